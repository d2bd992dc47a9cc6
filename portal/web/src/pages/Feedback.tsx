// Feedback on the API: developers ask a question or report a problem on a type or field,
// owners answer (schema/feedback.graphqls). Posts are plain text, shown as text.
import { cloneElement, useState, type FormEvent, type ReactElement } from "react";
import { registry } from "../api";
import { useRegistry } from "../hooks";
import { Link, navigate } from "../router";
import { hasRole, useViewer } from "../viewer";
import { Badge, Failure, Loading, NotFound, When } from "./common";
import "./feedback.css";

type Kind = "QUESTION" | "PROBLEM";
type Status = "OPEN" | "ANSWERED" | "CLOSED";

interface Thread {
  id: string;
  coordinate: string;
  kind: Kind;
  title: string;
  status: Status;
  knownIssue: boolean;
  author: string;
  replies: number;
  createdAt: string;
  updatedAt: string;
}
interface Post {
  id: string;
  author: string;
  body: string;
  ownerAnswer: boolean;
  createdAt: string;
}

const threadFields = `id coordinate kind title status knownIssue author replies createdAt updatedAt`;
const pageSize = 30;
const statusLabel: Record<Status, string> = { OPEN: "open", ANSWERED: "answered", CLOSED: "closed" };
const statusBadge: Record<Status, string> = { OPEN: "dangerous", ANSWERED: "safe", CLOSED: "info" };

// Limits the registry enforces (registry/store/feedback.go); checked here first to say so early.
const titleMin = 3;
const titleMax = 200;
const bodyMax = 10000;
const coordinatePattern = /^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*)?$/;

// Feedback routes /feedback (the list), /feedback/new (the form) and /feedback/<id>.
export function Feedback({ path }: { path: string }) {
  const id = path.replace(/^\//, "");
  if (id === "") return <ThreadList />;
  if (id === "new") return <Ask />;
  return <ThreadPage id={decodeURIComponent(id)} />;
}

function ThreadList() {
  const params = new URLSearchParams(location.search);
  const [status, setStatus] = useState(params.get("status") ?? "");
  const [typed, setTyped] = useState(params.get("coordinate") ?? "");
  const [coordinate, setCoordinate] = useState(typed);
  const [before, setBefore] = useState<string[]>([]);
  const invalid = coordinate !== "" && !coordinatePattern.test(coordinate);
  const search = (e: FormEvent) => {
    e.preventDefault();
    setCoordinate(typed.trim());
    setBefore([]);
  };
  return (
    <section className="narrow feedback">
      <h1>Feedback</h1>
      <p>
        Questions and problem reports on the API, answered by the teams that own it. Ask about a type or a field from its page in the <Link to="/docs">schema docs</Link>, or
        here.
      </p>
      <p>
        <Link to="/feedback/new" className="button">
          Ask a question or report a problem
        </Link>
      </p>
      <form className="card filters" onSubmit={search} role="search" aria-label="Filter feedback">
        <div className="row">
          <label>
            Status
            <select
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                setBefore([]);
              }}
            >
              <option value="">Any</option>
              <option value="OPEN">Open</option>
              <option value="ANSWERED">Answered</option>
              <option value="CLOSED">Closed</option>
            </select>
          </label>
          <label>
            Type or field
            <input
              type="search"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder="Product or Product.price"
              aria-invalid={invalid || undefined}
              aria-describedby={invalid ? "coordinate-filter-error" : undefined}
            />
          </label>
          <button type="submit">Filter</button>
        </div>
        {invalid ? (
          <p id="coordinate-filter-error" className="error" role="alert">
            Write a type (Product) or a field (Product.price).
          </p>
        ) : null}
      </form>
      {invalid ? null : (
        <>
          {[undefined, ...before].map((b) => (
            <Page key={b ?? ""} status={status} coordinate={coordinate} before={b} onMore={(last) => setBefore([...before, last])} last={b === before[before.length - 1]} />
          ))}
        </>
      )}
    </section>
  );
}

// Page is one page of threads; the last page offers the next.
function Page({ status, coordinate, before, last, onMore }: { status: string; coordinate: string; before?: string; last: boolean; onMore: (last: string) => void }) {
  const res = useRegistry<{ feedback: Thread[] }>(
    `query($status: FeedbackStatus, $coordinate: String, $first: Int, $before: ID) {
      feedback(status: $status, coordinate: $coordinate, first: $first, before: $before) { ${threadFields} } }`,
    { status: status || null, coordinate: coordinate || null, first: pageSize, before: before ?? null },
  );
  if (res.loading && !res.data) return <Loading what="feedback" />;
  if (res.error) return <Failure error={res.error} />;
  const threads = res.data!.feedback;
  if (threads.length === 0 && !before) return <p className="muted">No feedback {status || coordinate ? "matches" : "yet"}.</p>;
  return (
    <>
      <ul className="threads">
        {threads.map((t) => (
          <li key={t.id}>
            <Link to={`/feedback/${t.id}`} className="title">
              {t.title}
            </Link>{" "}
            <ThreadBadges t={t} />
            <p className="muted small">
              <code>{t.coordinate}</code> · {t.kind === "PROBLEM" ? "problem reported" : "asked"} by {t.author} · {t.replies} {t.replies === 1 ? "reply" : "replies"} · last activity{" "}
              <When at={t.updatedAt} />
            </p>
          </li>
        ))}
      </ul>
      {last && threads.length === pageSize ? <button onClick={() => onMore(threads[threads.length - 1].id)}>Show more</button> : null}
    </>
  );
}

function ThreadBadges({ t }: { t: Thread }) {
  return (
    <>
      <Badge kind="info">{t.kind === "PROBLEM" ? "problem" : "question"}</Badge>
      <Badge kind={statusBadge[t.status]}>{statusLabel[t.status]}</Badge>
      {t.knownIssue ? <Badge kind="breaking">known issue</Badge> : null}
    </>
  );
}

// docsLink links a coordinate to its type's page, at the field.
function DocsLink({ coordinate }: { coordinate: string }) {
  const [type, field] = coordinate.split(".");
  return (
    <Link to={`/docs/${type}${field ? "#" + field : ""}`}>
      <code>{coordinate}</code>
    </Link>
  );
}

interface Problems {
  coordinate?: string;
  title?: string;
  body?: string;
}

// check says what is wrong with the form, field by field, before the registry does.
function check(coordinate: string, title: string, body: string): Problems {
  const p: Problems = {};
  const chars = (s: string) => [...s.trim()].length;
  if (!coordinatePattern.test(coordinate.trim())) p.coordinate = "Write a type (Product) or a field (Product.price).";
  if (chars(title) < titleMin) p.title = `Write a title of at least ${titleMin} characters.`;
  else if (chars(title) > titleMax) p.title = `The title is ${chars(title)} characters; the limit is ${titleMax}.`;
  p.body = bodyProblem(body);
  if (!p.body) delete p.body;
  return p;
}

function bodyProblem(body: string): string | undefined {
  const n = [...body.trim()].length;
  if (n === 0) return "Write something first.";
  if (n > bodyMax) return `This is ${n} characters; the limit is ${bodyMax}.`;
  return undefined;
}

function Ask() {
  const params = new URLSearchParams(location.search);
  const [coordinate, setCoordinate] = useState(params.get("coordinate") ?? "");
  const [kind, setKind] = useState<Kind>(params.get("kind") === "PROBLEM" ? "PROBLEM" : "QUESTION");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = check(coordinate, title, body);
    setProblems(p);
    setError(null);
    if (Object.keys(p).length > 0) {
      document.getElementById(`ask-${Object.keys(p)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await registry<{ askFeedback: { id: string } }>(`mutation($in: AskFeedbackInput!) { askFeedback(input: $in) { id } }`, {
        in: { coordinate: coordinate.trim(), kind, title: title.trim(), body },
      });
      navigate(`/feedback/${r.askFeedback.id}`);
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  };
  return (
    <section className="narrow feedback">
      <p>
        <Link to="/feedback">← All feedback</Link>
      </p>
      <h1>Ask a question or report a problem</h1>
      <p>Everyone signed in to the portal can read what you write here, under your name; the teams that own the API answer.</p>
      <form className="card" onSubmit={submit} noValidate aria-label="Ask a question or report a problem">
        <Field id="ask-coordinate" label="Type or field" hint="A type (Product) or a field (Product.price) of the API schema." problem={problems.coordinate}>
          <input value={coordinate} onChange={(e) => setCoordinate(e.target.value)} placeholder="Product.price" autoComplete="off" spellCheck={false} />
        </Field>
        <fieldset className="kind">
          <legend>This is</legend>
          <label>
            <input type="radio" name="kind" value="QUESTION" checked={kind === "QUESTION"} onChange={() => setKind("QUESTION")} /> a question
          </label>
          <label>
            <input type="radio" name="kind" value="PROBLEM" checked={kind === "PROBLEM"} onChange={() => setKind("PROBLEM")} /> a problem report
          </label>
        </fieldset>
        <Field id="ask-title" label="Title" hint={`One line, ${titleMin} to ${titleMax} characters.`} problem={problems.title}>
          <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={titleMax} />
        </Field>
        <Field id="ask-body" label="Details" hint="Plain text. For a problem: what you sent, what you got, what you expected." problem={problems.body}>
          <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={8} maxLength={bodyMax} />
        </Field>
        {error ? <Failure error={error} /> : null}
        <button type="submit" disabled={busy}>
          {busy ? "Posting…" : "Post"}
        </button>
      </form>
    </section>
  );
}

// Field labels one input (its only child), with a hint and the problem with it, both
// announced with the input.
function Field({ id, label, hint, problem, children }: { id: string; label: string; hint?: string; problem?: string; children: ReactElement }) {
  const described = [hint ? `${id}-hint` : "", problem ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field-input">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="muted small">
          {hint}
        </p>
      ) : null}
      {cloneElement(children as ReactElement<Record<string, unknown>>, { id, "aria-invalid": problem ? true : undefined, "aria-describedby": described })}
      {problem ? (
        <p id={`${id}-error`} className="error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

function ThreadPage({ id }: { id: string }) {
  const owner = hasRole(useViewer(), "OWNER");
  const res = useRegistry<{ feedbackThread: (Thread & { posts: Post[] }) | null }>(
    `query($id: ID!) { feedbackThread(id: $id) { ${threadFields} posts { id author body ownerAnswer createdAt } } }`,
    { id },
  );
  if (res.loading && !res.data) return <Loading what="the thread" />;
  if (res.error) return <Failure error={res.error} />;
  const t = res.data!.feedbackThread;
  if (!t)
    return (
      <NotFound>
        There is no such thread. <Link to="/feedback">All feedback</Link>
      </NotFound>
    );
  return (
    <article className="narrow feedback">
      <p>
        <Link to="/feedback">← All feedback</Link>
      </p>
      <h1>{t.title}</h1>
      <p>
        <ThreadBadges t={t} /> on <DocsLink coordinate={t.coordinate} />
      </p>
      <ol className="posts" aria-label="Posts">
        {t.posts.map((p, i) => (
          <li key={p.id} className={p.ownerAnswer ? "post answer" : "post"}>
            <p className="byline">
              <strong>{p.author}</strong> {p.ownerAnswer ? <Badge kind="safe">Owners' answer</Badge> : null}
              <span className="muted small">
                {i === 0 ? (t.kind === "PROBLEM" ? "reported" : "asked") : "replied"} <When at={p.createdAt} />
              </span>
            </p>
            <div className="body">{p.body}</div>
          </li>
        ))}
      </ol>
      {owner ? <OwnerActions t={t} onDone={res.reload} /> : null}
      {t.status === "CLOSED" ? (
        <p className="muted">This thread is closed: it takes no more replies.</p>
      ) : (
        <Reply threadID={t.id} owner={owner} onDone={res.reload} />
      )}
    </article>
  );
}

function Reply({ threadID, owner, onDone }: { threadID: string; owner: boolean; onDone: () => void }) {
  const [body, setBody] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = bodyProblem(body);
    setProblem(p);
    setError(null);
    if (p) {
      document.getElementById("reply-body")?.focus();
      return;
    }
    setBusy(true);
    try {
      await registry(`mutation($id: ID!, $body: String!) { replyFeedback(threadID: $id, body: $body) { id } }`, { id: threadID, body });
      setBody("");
      onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Reply">
      <Field id="reply-body" label="Your reply" hint={owner ? "Plain text. As an owner, your reply is marked as the owners' answer." : "Plain text."} problem={problem}>
        <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={5} maxLength={bodyMax} />
      </Field>
      {error ? <Failure error={error} /> : null}
      <button type="submit" disabled={busy}>
        {busy ? "Posting…" : "Reply"}
      </button>
    </form>
  );
}

// OwnerActions moves a thread between statuses and marks it as a known issue (owners).
function OwnerActions({ t, onDone }: { t: Thread; onDone: () => void }) {
  const [error, setError] = useState<Error | null>(null);
  const set = async (status: Status, knownIssue?: boolean) => {
    setError(null);
    try {
      await registry(`mutation($id: ID!, $status: FeedbackStatus!, $known: Boolean) { setFeedbackStatus(threadID: $id, status: $status, knownIssue: $known) { id } }`, {
        id: t.id,
        status,
        known: knownIssue ?? null,
      });
      onDone();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <div className="card actions owner-actions" role="group" aria-label="Owner actions">
      <h2>Owner actions</h2>
      {t.status !== "ANSWERED" ? <button onClick={() => void set("ANSWERED")}>Mark as answered</button> : null}
      {t.status !== "CLOSED" ? <button onClick={() => void set("CLOSED")}>Close</button> : null}
      {t.status !== "OPEN" ? <button onClick={() => void set("OPEN")}>Reopen</button> : null}
      {t.knownIssue ? (
        <button onClick={() => void set(t.status, false)}>Not a known issue</button>
      ) : (
        <button onClick={() => void set(t.status, true)}>Mark as known issue</button>
      )}
      {error ? <Failure error={error} /> : null}
    </div>
  );
}

// KnownIssues lists a type's known issues (its own and its fields'), on its docs page.
export function KnownIssues({ type }: { type: string }) {
  const res = useRegistry<{ knownIssues: Thread[] }>(`query($type: String!) { knownIssues(type: $type) { ${threadFields} } }`, { type });
  const issues = res.data?.knownIssues ?? [];
  if (res.error) return <Failure error={res.error} />;
  if (issues.length === 0) return null;
  return (
    <aside className="known-issues" aria-labelledby="known-issues">
      <h2 id="known-issues">Known issues</h2>
      <ul>
        {issues.map((t) => (
          <li key={t.id}>
            <Link to={`/feedback/${t.id}`}>{t.title}</Link> <span className="muted small">
              on <code>{t.coordinate}</code> · {statusLabel[t.status]}
            </span>
          </li>
        ))}
      </ul>
    </aside>
  );
}

// AskLink opens the feedback form about one coordinate.
export function AskLink({ coordinate }: { coordinate: string }) {
  return (
    <Link to={`/feedback/new?coordinate=${encodeURIComponent(coordinate)}`} className="ask small" aria-label={`Ask a question or report a problem about ${coordinate}`}>
      Ask a question or report a problem
    </Link>
  );
}

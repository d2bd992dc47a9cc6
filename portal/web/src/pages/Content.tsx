// Guides, FAQ, articles and announcements: written in Markdown by owners, rendered by the
// registry API (safe HTML: raw HTML escaped, unsafe links dropped) and shown here.
import { useEffect, useState, type FormEvent } from "react";
import { registry } from "../api";
import { config } from "../config";
import { useRegistry } from "../hooks";
import { Link, navigate } from "../router";
import { hasRole, useViewer } from "../viewer";
import { Badge, Failure, Loading, NotFound, When } from "./common";
import "./content.css";

export type Kind = "GUIDE" | "FAQ" | "ARTICLE" | "ANNOUNCEMENT";

interface ArticleSummary {
  id: number;
  slug: string;
  kind: Kind;
  title: string;
  summary: string;
  published: boolean;
  publishedAt?: string | null;
  updatedAt: string;
}
interface Article extends ArticleSummary {
  markdown: string;
  html: string;
  author: string;
}

export const kinds: [Kind, string, string][] = [
  ["GUIDE", "Guide", "Guides"],
  ["FAQ", "FAQ", "FAQ"],
  ["ARTICLE", "Article", "Articles"],
  ["ANNOUNCEMENT", "Announcement", "Announcements"],
];
const kindName = (k: Kind) => kinds.find(([id]) => id === k)?.[1] ?? k;

const pageSize = 50;

// Guides is /guides (the list) and /guides/<slug> (one article).
export function Guides({ slug }: { slug: string }) {
  return slug ? <ArticlePage slug={slug} /> : <GuideList />;
}

function GuideList() {
  const owner = hasRole(useViewer(), "OWNER");
  const [kind, setKind] = useState<Kind | "">("");
  const [typed, setTyped] = useState("");
  const search = useDebounced(typed.trim(), 250);
  const [before, setBefore] = useState<number | null>(null);
  const [writing, setWriting] = useState(false);
  useEffect(() => setBefore(null), [kind, search]);
  const res = useRegistry<{ articles: ArticleSummary[] }>(
    `query($kind: ArticleKind, $search: String, $before: Int, $first: Int) {
      articles(kind: $kind, search: $search, before: $before, first: $first) { id slug kind title summary published publishedAt updatedAt } }`,
    { kind: kind || null, search: search || null, before, first: pageSize },
  );
  const list = res.data?.articles;
  return (
    <section className="narrow">
      <h1>Guides and announcements</h1>
      <p>
        How to use the API, answers to common questions, articles and announcements from the teams behind it, beside the <Link to="/docs">schema docs</Link>. Announcements and articles
        are also an <a href={`${config.base}/announcements.atom`}>Atom feed</a>.
      </p>
      {owner ? (
        writing ? (
          <Editor onCancel={() => setWriting(false)} />
        ) : (
          <button onClick={() => setWriting(true)}>Write an article</button>
        )
      ) : null}
      <div className="row filters">
        <label htmlFor="guide-search">
          Search
          <input id="guide-search" type="search" value={typed} placeholder="Words of a title or text" onChange={(e) => setTyped(e.target.value)} />
        </label>
        <label htmlFor="guide-kind">
          Kind
          <select id="guide-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind | "")}>
            <option value="">All</option>
            {kinds.map(([id, , plural]) => (
              <option key={id} value={id}>
                {plural}
              </option>
            ))}
          </select>
        </label>
      </div>
      {res.loading && !list ? (
        <Loading what="guides" />
      ) : res.error ? (
        <Failure error={res.error} />
      ) : list!.length === 0 ? (
        <p className="muted" role="status">
          {search ? `Nothing matches “${search}”.` : "Nothing has been written yet."}
        </p>
      ) : (
        <>
          <ul className="articles" aria-live="polite">
            {list!.map((a) => (
              <li key={a.id}>
                <h2>
                  <Link to={`/guides/${a.slug}`}>{a.title}</Link>
                </h2>
                <p className="meta">
                  <Badge kind={a.kind === "ANNOUNCEMENT" ? "dangerous" : "info"}>{kindName(a.kind)}</Badge>
                  {a.published ? null : <Badge kind="breaking">Draft</Badge>} <When at={a.publishedAt ?? a.updatedAt} />
                </p>
                {a.summary ? <p>{a.summary}</p> : null}
              </li>
            ))}
          </ul>
          <p className="row">
            {before !== null ? <button onClick={() => setBefore(null)}>Newest</button> : null}
            {list!.length === pageSize ? <button onClick={() => setBefore(list![list!.length - 1].id)}>Older</button> : null}
          </p>
        </>
      )}
    </section>
  );
}

const articleFields = `id slug kind title summary markdown html author published publishedAt updatedAt`;

function ArticlePage({ slug }: { slug: string }) {
  const owner = hasRole(useViewer(), "OWNER");
  const res = useRegistry<{ article: Article | null }>(`query($slug: String!) { article(slug: $slug) { ${articleFields} } }`, { slug });
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => setEditing(false), [slug]);
  const a = res.data?.article;
  useEffect(() => {
    if (a) document.title = `${a.title} · ${config.title}`;
  }, [a]);
  if (res.loading && !res.data) return <Loading what="the article" />;
  if (res.error) return <Failure error={res.error} />;
  if (!a)
    return (
      <NotFound>
        There is no article “{slug}”. See <Link to="/guides">every guide</Link>.
      </NotFound>
    );
  if (editing) return <Editor article={a} onCancel={() => setEditing(false)} onSaved={() => {
          setEditing(false);
          res.reload();
        }} />;
  const remove = async () => {
    setError(null);
    try {
      await registry(`mutation($id: Int!) { deleteArticle(id: $id) }`, { id: a.id });
      navigate("/guides");
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <article className="narrow">
      <p className="small">
        <Link to="/guides">Guides and announcements</Link>
      </p>
      <h1>{a.title}</h1>
      <p className="meta">
        <Badge kind={a.kind === "ANNOUNCEMENT" ? "dangerous" : "info"}>{kindName(a.kind)}</Badge>
        {a.published ? null : <Badge kind="breaking">Draft</Badge>} By {a.author}, <When at={a.publishedAt ?? a.updatedAt} />
      </p>
      {owner ? (
        <p className="actions">
          <button onClick={() => setEditing(true)}>Edit</button>
          {confirming ? (
            <span className="confirm" role="group" aria-label={`Confirm: delete ${a.title}`}>
              <span className="small">It cannot be undone.</span>{" "}
              <button className="danger" onClick={() => void remove()}>
                Yes, delete
              </button>
              <button onClick={() => setConfirming(false)}>Cancel</button>
            </span>
          ) : (
            <button className="danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
        </p>
      ) : null}
      {error ? <Failure error={error} /> : null}
      {/* The registry API renders the Markdown safe: raw HTML escaped, unsafe links dropped. */}
      <div className="prose" data-testid="article-body" dangerouslySetInnerHTML={{ __html: a.html }} />
    </article>
  );
}

// slugOf makes a slug from a title: lowercase ASCII letters and digits joined by '-'.
function slugOf(title: string): string {
  return title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100)
    .replace(/-+$/, "");
}

// Editor writes a new article or changes one; the preview is the API's own rendering.
function Editor({ article, onCancel, onSaved }: { article?: Article; onCancel: () => void; onSaved?: () => void }) {
  const [title, setTitle] = useState(article?.title ?? "");
  const [kind, setKind] = useState<Kind>(article?.kind ?? "GUIDE");
  const [slug, setSlug] = useState(article?.slug ?? "");
  const [slugTouched, setSlugTouched] = useState(!!article);
  const [text, setText] = useState(article?.markdown ?? "");
  const [published, setPublished] = useState(article?.published ?? false);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  const showPreview = async () => {
    setError(null);
    try {
      const r = await registry<{ markdownPreview: string }>(`query($m: String!) { markdownPreview(markdown: $m) }`, { m: text });
      setPreview(r.markdownPreview);
    } catch (e) {
      setError(e as Error);
    }
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await registry<{ saveArticle: { slug: string } }>(`mutation($in: SaveArticleInput!) { saveArticle(input: $in) { slug } }`, {
        in: { id: article?.id ?? null, slug, kind, title: title.trim(), markdown: text, published },
      });
      if (r.saveArticle.slug !== article?.slug) navigate(`/guides/${r.saveArticle.slug}`);
      onSaved?.();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card editor" onSubmit={save} aria-labelledby="editor-title">
      <h2 id="editor-title">{article ? `Edit “${article.title}”` : "Write an article"}</h2>
      <div className="row">
        <label>
          Title
          <input
            id="article-title"
            required
            maxLength={200}
            value={title}
            onChange={(e) => {
              setTitle(e.target.value);
              if (!slugTouched) setSlug(slugOf(e.target.value));
            }}
          />
        </label>
        <label>
          Kind
          <select id="article-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {kinds.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Slug <span className="muted small">(its address: /guides/…)</span>
          <input
            id="article-slug"
            required
            maxLength={100}
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            title="Lowercase letters and digits, in words joined by '-'"
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugTouched(true);
            }}
          />
        </label>
      </div>
      <label>
        Text <span className="muted small">(Markdown with tables, task lists and autolinks; HTML is shown as text)</span>
        <textarea id="article-text" rows={16} value={text} onChange={(e) => setText(e.target.value)} spellCheck />
      </label>
      <label className="check">
        <input id="article-published" type="checkbox" checked={published} onChange={(e) => setPublished(e.target.checked)} /> Published{" "}
        <span className="muted small">(drafts are seen by owners only)</span>
      </label>
      <p className="row">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </button>
        <button type="button" className="secondary" onClick={() => void showPreview()}>
          Preview
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </p>
      {error ? <Failure error={error} /> : null}
      {preview !== null ? (
        <section className="preview" aria-label="Preview">
          <h3 className="small muted">Preview</h3>
          <div className="prose" data-testid="preview" dangerouslySetInnerHTML={{ __html: preview }} />
        </section>
      ) : null}
    </form>
  );
}

// useDebounced follows value once it has stayed the same for ms.
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

// API products and plans (schema/products.graphqls): developers browse the products and
// subscribe their API clients to a plan; owners write products and plans and approve or
// reject subscriptions. Descriptions are plain text, shown as text.
import { useEffect, useState, type FormEvent } from "react";
import { registry } from "../api";
import { config } from "../config";
import { useRegistry } from "../hooks";
import { Link, navigate } from "../router";
import { hasRole, useViewer } from "../viewer";
import { Badge, Confirm, Failure, Loading, NotFound, When } from "./common";
import "./products.css";

interface Plan {
  id: number;
  productID: number;
  name: string;
  requestsPerMinute: number;
  requestsPerDay: number;
  autoApprove: boolean;
}
interface Product {
  id: number;
  slug: string;
  name: string;
  description: string;
  published: boolean;
  plans: Plan[];
  includeTags?: string[];
  excludeTags?: string[];
}
type Status = "PENDING" | "ACTIVE" | "REJECTED" | "CANCELLED";
interface Subscription {
  id: number;
  clientID: string;
  clientName: string;
  status: Status;
  requestedBy: string;
  updatedAt: string;
  product: { slug: string; name: string };
  plan: { name: string };
}

const planFields = `id productID name requestsPerMinute requestsPerDay autoApprove`;
// Tags are for owners: the API refuses them to others.
const productFields = (owner: boolean) => `id slug name description published plans { ${planFields} }${owner ? " includeTags excludeTags" : ""}`;
const subscriptionFields = `id clientID clientName status requestedBy updatedAt product { slug name } plan { name }`;

const statusBadge: Record<Status, [string, string]> = {
  PENDING: ["dangerous", "Pending approval"],
  ACTIVE: ["safe", "Active"],
  REJECTED: ["breaking", "Rejected"],
  CANCELLED: ["info", "Cancelled"],
};

const requests = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "request" : "requests"}`;

// limitsInWords says a plan's limits as a sentence: "60 requests a minute, 1,000 requests a day".
export function limitsInWords(p: Plan): string {
  if (p.requestsPerMinute === 0 && p.requestsPerDay === 0) return "Unlimited: no rate limit, no daily quota";
  const rate = p.requestsPerMinute === 0 ? "No rate limit" : `${requests(p.requestsPerMinute)} a minute`;
  const quota = p.requestsPerDay === 0 ? "no daily quota" : `${requests(p.requestsPerDay)} a day`;
  return `${rate}, ${quota}`;
}
const approvalInWords = (p: Plan) => (p.autoApprove ? "active at once" : "needs an owner's approval");

// Products is /products (the catalogue) and /products/<slug> (one product).
export function Products({ slug }: { slug: string }) {
  return slug ? <ProductPage slug={slug} /> : <ProductList />;
}

function ProductList() {
  const owner = hasRole(useViewer(), "OWNER");
  const res = useRegistry<{ products: Product[] }>(`{ products { ${productFields(owner)} } }`);
  const subs = useRegistry<{ mine: Subscription[]; pending?: Subscription[] }>(
    `query($owner: Boolean!) { mine: subscriptions(mine: true) { ${subscriptionFields} } pending: subscriptions(status: PENDING) @include(if: $owner) { ${subscriptionFields} } }`,
    { owner },
  );
  const [creating, setCreating] = useState(false);
  const list = res.data?.products;
  return (
    <section className="narrow products">
      <h1>API products</h1>
      <p>
        A product is a part of the API, for one kind of application. Subscribe one of your <Link to="/clients">API clients</Link> to a plan of a product: the gateway then serves
        that client the product's part of the graph, within the plan's limits.
      </p>
      {owner ? (
        creating ? (
          <ProductEditor onCancel={() => setCreating(false)} />
        ) : (
          <button onClick={() => setCreating(true)}>Create a product</button>
        )
      ) : null}
      {res.loading && !list ? (
        <Loading what="products" />
      ) : res.error ? (
        <Failure error={res.error} />
      ) : list!.length === 0 ? (
        <p className="muted" role="status">
          No products yet.
        </p>
      ) : (
        <ul className="product-list">
          {list!.map((p) => (
            <li key={p.id} data-product={p.slug}>
              <h2>
                <Link to={`/products/${p.slug}`}>{p.name}</Link> {p.published ? null : <Badge kind="breaking">Draft</Badge>}
              </h2>
              {p.description ? <p className="description">{p.description.split("\n\n")[0]}</p> : null}
              <PlanList plans={p.plans} />
            </li>
          ))}
        </ul>
      )}
      <h2>Your subscriptions</h2>
      <SubscriptionList loaded={subs} list={subs.data?.mine} empty="None of your API clients is subscribed to a product." showProduct />
      {owner ? (
        <>
          <h2>Waiting for approval</h2>
          <SubscriptionList loaded={subs} list={subs.data?.pending} empty="No subscription waits for approval." showProduct owner />
        </>
      ) : null}
    </section>
  );
}

function PlanList({ plans, onEdit, onDelete }: { plans: Plan[]; onEdit?: (p: Plan) => void; onDelete?: (p: Plan) => void }) {
  if (plans.length === 0) return <p className="muted">No plans yet.</p>;
  return (
    <ul className="plan-list">
      {plans.map((p) => (
        <li key={p.id} data-plan={p.name}>
          <strong>{p.name}</strong>: {limitsInWords(p)}; {approvalInWords(p)}.
          {onEdit || onDelete ? (
            <span className="actions">
              {onEdit ? (
                <button onClick={() => onEdit(p)} aria-label={`Edit the plan ${p.name}`}>
                  Edit
                </button>
              ) : null}
              {onDelete ? <Confirm label="Delete" what={`the plan ${p.name}`} warning="It cannot be undone." onConfirm={() => onDelete(p)} /> : null}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function ProductPage({ slug }: { slug: string }) {
  const owner = hasRole(useViewer(), "OWNER");
  const res = useRegistry<{ product: Product | null }>(`query($slug: String!) { product(slug: $slug) { ${productFields(owner)} } }`, { slug });
  // Owners get every subscription, others their own: of this product, and each client's (a client has one).
  const subs = useRegistry<{ subscriptions: Subscription[] }>(`{ subscriptions { ${subscriptionFields} } }`);
  const [editing, setEditing] = useState(false);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => setEditing(false), [slug]);
  const p = res.data?.product;
  useEffect(() => {
    if (p) document.title = `${p.name} · ${config.title}`;
  }, [p]);
  if (res.loading && !res.data) return <Loading what="the product" />;
  if (res.error) return <Failure error={res.error} />;
  if (!p)
    return (
      <NotFound>
        There is no product “{slug}”. See <Link to="/products">every product</Link>.
      </NotFound>
    );
  if (editing) {
    const saved = () => {
      setEditing(false);
      res.reload();
    };
    return <ProductEditor product={p} onCancel={() => setEditing(false)} onSaved={saved} />;
  }
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e as Error);
    }
    res.reload();
    subs.reload();
  };
  const planDone = () => {
    setPlan(null);
    res.reload();
  };
  const theirs = subs.data?.subscriptions.filter((s) => s.product.slug === p.slug);
  return (
    <article className="narrow products">
      <p className="small">
        <Link to="/products">API products</Link>
      </p>
      <h1>
        {p.name} {p.published ? null : <Badge kind="breaking">Draft</Badge>}
      </h1>
      {p.description ? <p className="description">{p.description}</p> : null}
      {owner ? (
        <>
          <p className="tags">
            {p.includeTags?.length ? (
              <>
                Keeps the elements tagged {p.includeTags.map((t) => <code key={t}>{t}</code>)}
              </>
            ) : (
              "Keeps the whole graph"
            )}
            {p.excludeTags?.length ? <>, but those tagged {p.excludeTags.map((t) => <code key={t}>{t}</code>)}</> : null}.
          </p>
          <p className="actions">
            <button onClick={() => setEditing(true)}>Edit the product</button>
            <Confirm
              label="Delete"
              danger
              what={p.name}
              warning="Its plans go with it."
              onConfirm={() =>
                void act(async () => {
                  await registry(`mutation($id: Int!) { deleteProduct(id: $id) }`, { id: p.id });
                  navigate("/products");
                })
              }
            />
          </p>
        </>
      ) : null}
      {error ? <Failure error={error} /> : null}
      <h2>Plans</h2>
      <PlanList
        plans={p.plans}
        onEdit={owner ? setPlan : undefined}
        onDelete={owner ? (pl) => void act(() => registry(`mutation($id: Int!) { deletePlan(id: $id) }`, { id: pl.id })) : undefined}
      />
      {owner ? <PlanEditor key={plan?.id ?? "new"} productID={p.id} plan={plan ?? undefined} onDone={planDone} /> : null}
      {p.plans.length ? <SubscribeForm product={p} subscriptions={subs.data?.subscriptions ?? []} onDone={subs.reload} /> : null}
      <h2>{owner ? "Subscriptions" : "Your subscriptions"}</h2>
      <SubscriptionList loaded={subs} list={theirs} empty="None yet." owner={owner} />
    </article>
  );
}

function SubscribeForm({ product, subscriptions, onDone }: { product: Product; subscriptions: Subscription[]; onDone: () => void }) {
  const clients = useRegistry<{ clients: { id: string; name: string; public: boolean }[] }>(`{ clients { id name public } }`);
  const [client, setClient] = useState("");
  const [plan, setPlan] = useState(product.plans[0]?.id ?? 0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const usable = clients.data?.clients.filter((c) => !c.public && c.id !== config.signIn?.clientId) ?? [];
  const current = subscriptions.find((s) => s.clientID === client && (s.status === "ACTIVE" || s.status === "PENDING"));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await registry<{ subscribe: Subscription }>(`mutation($c: ID!, $p: Int!) { subscribe(clientID: $c, planID: $p) { ${subscriptionFields} } }`, { c: client, p: plan });
      const s = r.subscribe;
      setDone(`${s.clientName} is subscribed to ${s.plan.name}: ${s.status === "ACTIVE" ? "active now" : "waiting for an owner's approval"}.`);
      onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">Subscribe a client</h2>
      {clients.loading && !clients.data ? (
        <Loading what="your API clients" />
      ) : clients.error ? (
        <Failure error={clients.error} />
      ) : usable.length === 0 ? (
        <p>
          You have no API client yet: <Link to="/clients">register one</Link> first.
        </p>
      ) : (
        <>
          <label htmlFor="subscribe-client">
            API client
            <select id="subscribe-client" required value={client} onChange={(e) => setClient(e.target.value)} aria-describedby="subscribe-note">
              <option value="">Choose one of your clients</option>
              {usable.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name ? `${c.name} (${c.id})` : c.id}
                </option>
              ))}
            </select>
          </label>
          <p id="subscribe-note" className="small muted">
            {current
              ? `It is subscribed to ${current.product.name}, ${current.plan.name} (${statusBadge[current.status][1].toLowerCase()}): a client has one subscription, so this replaces it.`
              : "A client has one subscription: subscribing replaces the one it has."}
          </p>
          <fieldset className="plan-choice">
            <legend>Plan</legend>
            {product.plans.map((p) => (
              <label key={p.id}>
                <input type="radio" name="plan" value={p.id} checked={plan === p.id} onChange={() => setPlan(p.id)} />
                <span>
                  <strong>{p.name}</strong>: {limitsInWords(p)}; {approvalInWords(p)}.
                </span>
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={busy}>
            {busy ? "Subscribing…" : "Subscribe"}
          </button>
        </>
      )}
      {error ? <Failure error={error} /> : null}
      {done ? (
        <p role="status" className="done">
          {done}
        </p>
      ) : null}
    </form>
  );
}

// SubscriptionList shows subscriptions with their status in words; developers cancel
// theirs, owners approve, reject or cancel any.
function SubscriptionList({
  loaded,
  list,
  empty,
  showProduct,
  owner,
}: {
  loaded: { loading: boolean; error?: Error; reload: () => void };
  list?: Subscription[];
  empty: string;
  showProduct?: boolean;
  owner?: boolean;
}) {
  const [error, setError] = useState<Error | null>(null);
  if (loaded.loading && !list) return <Loading what="subscriptions" />;
  if (loaded.error) return <Failure error={loaded.error} />;
  if (!list?.length) return <p className="muted">{empty}</p>;
  const act = async (query: string, id: number) => {
    setError(null);
    try {
      await registry(query, { id });
    } catch (e) {
      setError(e as Error);
    }
    loaded.reload();
  };
  const decide = (status: Status) => `mutation($id: Int!) { setSubscriptionStatus(id: $id, status: ${status}) { id } }`;
  return (
    <>
      {error ? <Failure error={error} /> : null}
      <ul className="subscriptions">
        {list.map((s) => {
          const [kind, label] = statusBadge[s.status];
          return (
            <li key={s.id} data-client={s.clientID} data-status={s.status}>
              <p>
                <strong>{s.clientName}</strong> <code className="small">{s.clientID}</code> <Badge kind={kind}>{label}</Badge>
              </p>
              <p className="small">
                {showProduct ? (
                  <>
                    <Link to={`/products/${s.product.slug}`}>{s.product.name}</Link>,{" "}
                  </>
                ) : null}
                plan {s.plan.name}
                {owner ? `, asked by ${s.requestedBy}` : null} · <When at={s.updatedAt} />
              </p>
              <p className="actions">
                {owner && s.status === "PENDING" ? (
                  <>
                    <button onClick={() => void act(decide("ACTIVE"), s.id)} aria-label={`Approve: ${s.clientName}`}>
                      Approve
                    </button>
                    <button className="danger" onClick={() => void act(decide("REJECTED"), s.id)} aria-label={`Reject: ${s.clientName}`}>
                      Reject
                    </button>
                  </>
                ) : null}
                {s.status === "PENDING" || s.status === "ACTIVE" ? (
                  <Confirm
                    label="Cancel"
                    keep="No"
                    what={`the subscription of ${s.clientName}`}
                    warning={s.status === "ACTIVE" ? "The client loses its access to the product." : "The request is withdrawn."}
                    onConfirm={() => void act(`mutation($id: Int!) { cancelSubscription(id: $id) { id } }`, s.id)}
                  />
                ) : null}
              </p>
            </li>
          );
        })}
      </ul>
    </>
  );
}

// productSlugOf makes a slug from a name: a lowercase ASCII letter, then letters, digits and '-'.
function productSlugOf(name: string): string {
  return name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}

const tagsOf = (s: string) => s.split(/[\s,]+/).filter(Boolean);

function ProductEditor({ product, onCancel, onSaved }: { product?: Product; onCancel: () => void; onSaved?: () => void }) {
  const [name, setName] = useState(product?.name ?? "");
  const [slug, setSlug] = useState(product?.slug ?? "");
  const [slugTouched, setSlugTouched] = useState(!!product);
  const [description, setDescription] = useState(product?.description ?? "");
  const [include, setInclude] = useState(product?.includeTags?.join(" ") ?? "");
  const [exclude, setExclude] = useState(product?.excludeTags?.join(" ") ?? "");
  const [published, setPublished] = useState(product?.published ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await registry<{ saveProduct: { slug: string } }>(`mutation($in: SaveProductInput!) { saveProduct(input: $in) { slug } }`, {
        in: { id: product?.id ?? null, slug, name: name.trim(), description, includeTags: tagsOf(include), excludeTags: tagsOf(exclude), published },
      });
      if (r.saveProduct.slug !== product?.slug) navigate(`/products/${r.saveProduct.slug}`);
      onSaved?.();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card editor" onSubmit={save} aria-labelledby="product-editor">
      <h2 id="product-editor">{product ? `Edit “${product.name}”` : "Create a product"}</h2>
      <div className="row">
        <label htmlFor="product-name">
          Name
          <input
            id="product-name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(productSlugOf(e.target.value));
            }}
          />
        </label>
        <label htmlFor="product-slug">
          Slug <span className="muted small">(its address: /products/…)</span>
          <input
            id="product-slug"
            required
            maxLength={40}
            pattern="[a-z][a-z0-9\-]*"
            title="A lowercase letter, then lowercase letters, digits or '-'"
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugTouched(true);
            }}
          />
        </label>
      </div>
      <label htmlFor="product-description">
        Description <span className="muted small">(plain text, shown as written)</span>
        <textarea id="product-description" rows={5} maxLength={5000} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <div className="row">
        <label htmlFor="product-include">
          Include tags <span className="muted small">(@tag names, space-separated; none: the whole graph)</span>
          <input id="product-include" value={include} onChange={(e) => setInclude(e.target.value)} placeholder="public" autoCapitalize="off" spellCheck={false} />
        </label>
        <label htmlFor="product-exclude">
          Exclude tags
          <input id="product-exclude" value={exclude} onChange={(e) => setExclude(e.target.value)} placeholder="internal" autoCapitalize="off" spellCheck={false} />
        </label>
      </div>
      <label className="check" htmlFor="product-published">
        <input id="product-published" type="checkbox" checked={published} onChange={(e) => setPublished(e.target.checked)} /> Published{" "}
        <span className="muted small">(drafts are seen by owners only)</span>
      </label>
      <p className="row">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </p>
      {error ? <Failure error={error} /> : null}
    </form>
  );
}

function PlanEditor({ productID, plan, onDone }: { productID: number; plan?: Plan; onDone: () => void }) {
  const [name, setName] = useState(plan?.name ?? "");
  const [perMinute, setPerMinute] = useState(String(plan?.requestsPerMinute ?? 0));
  const [perDay, setPerDay] = useState(String(plan?.requestsPerDay ?? 0));
  const [auto, setAuto] = useState(plan?.autoApprove ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await registry(`mutation($in: SavePlanInput!) { savePlan(input: $in) { id } }`, {
        in: { id: plan?.id ?? null, productID, name: name.trim(), requestsPerMinute: Number(perMinute), requestsPerDay: Number(perDay), autoApprove: auto },
      });
      if (!plan) {
        setName("");
        setPerMinute("0");
        setPerDay("0");
        setAuto(false);
      }
      onDone();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={save} aria-labelledby="plan-editor">
      <h3 id="plan-editor">{plan ? `Edit the plan ${plan.name}` : "Add a plan"}</h3>
      <div className="row">
        <label htmlFor="plan-name">
          Name
          <input id="plan-name" required maxLength={60} value={name} onChange={(e) => setName(e.target.value)} placeholder="Free" />
        </label>
        <label htmlFor="plan-per-minute">
          Requests per minute <span className="muted small">(0: no limit)</span>
          <input id="plan-per-minute" type="number" inputMode="numeric" required min={0} max={1000000000} value={perMinute} onChange={(e) => setPerMinute(e.target.value)} />
        </label>
        <label htmlFor="plan-per-day">
          Requests per day <span className="muted small">(0: no quota)</span>
          <input id="plan-per-day" type="number" inputMode="numeric" required min={0} max={1000000000} value={perDay} onChange={(e) => setPerDay(e.target.value)} />
        </label>
      </div>
      <label className="check" htmlFor="plan-auto">
        <input id="plan-auto" type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Approve subscriptions at once{" "}
        <span className="muted small">(otherwise an owner approves each)</span>
      </label>
      <p className="row">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : plan ? "Save the plan" : "Add the plan"}
        </button>
        {plan ? (
          <button type="button" className="secondary" onClick={onDone}>
            Cancel
          </button>
        ) : null}
      </p>
      {error ? <Failure error={error} /> : null}
    </form>
  );
}

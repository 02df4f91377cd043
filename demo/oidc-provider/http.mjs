// Small helpers on node's own `http` objects, for the stand-in's pages and JSON endpoints
// (everything else goes to oidc-provider's koa app).

/** The largest request body read (forms and JSON here are a few fields). */
const MAX_BODY = 16 * 1024;

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw Object.assign(new Error('corps de requête trop grand'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The fields of an `application/x-www-form-urlencoded` body, as a plain object. */
export async function readForm(req) {
  return Object.fromEntries(new URLSearchParams(await readBody(req)));
}

/** A JSON body (an object), or `undefined` when it is not valid JSON. */
export async function readJson(req) {
  try {
    const value = JSON.parse(await readBody(req));
    return value && typeof value === 'object' ? value : undefined;
  } catch (err) {
    if (err.status) throw err;
    return undefined;
  }
}

/** Answers an HTML page, never cached. */
export function sendHtml(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(html);
}

/** Answers JSON, never cached. */
export function sendJson(res, status, value) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(value));
}

/** 303 See Other to `location` (after a form's POST). */
export function seeOther(res, location) {
  res.writeHead(303, { location, 'content-length': '0' });
  res.end();
}

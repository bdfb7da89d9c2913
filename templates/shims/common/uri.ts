/** RFC 3986 percent-encoding (what SigV4 and GCS V4 signing canonicalize with); `keepSlash` for paths. */
export function encodeRfc3986(s: string, keepSlash = false): string {
  const out = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? out.replace(/%2F/g, '/') : out;
}

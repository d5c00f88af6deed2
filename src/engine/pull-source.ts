// Turns what a user types after `salon models pull` into a URL and a local file name.
import { badRequest } from '../lib/errors.js';
import { catalog, findCatalogEntry } from './catalog.js';

/** Where a pull downloads from, and the file it saves into the models directory. */
export interface PullSource {
  url: string;
  /** A plain file name (no directories) ending in `.gguf`. */
  fileName: string;
  /** Expected lowercase hex sha256, when the source knows it. */
  sha256?: string;
}

const defaultHfEndpoint = 'https://huggingface.co';

/** The Hugging Face base URL: SALON_HF_ENDPOINT, else HF_ENDPOINT (as huggingface_hub reads it). */
export function hfEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.SALON_HF_ENDPOINT || env.HF_ENDPOINT || defaultHfEndpoint;
  return configured.replace(/\/+$/, '');
}

/** Resolve a catalog id, `hf:owner/repo/path/file.gguf[@revision]` or an http(s) URL. */
export function resolvePullSource(spec: string, env: NodeJS.ProcessEnv = process.env): PullSource {
  const trimmed = spec.trim();
  const entry = findCatalogEntry(trimmed);
  if (entry) {
    const source = resolveHf(entry.source.slice('hf:'.length), env);
    return entry.sha256 ? { ...source, sha256: entry.sha256 } : source;
  }
  if (trimmed.startsWith('hf:')) return resolveHf(trimmed.slice('hf:'.length), env);
  if (/^https?:\/\//i.test(trimmed)) return resolveUrl(trimmed);
  const ids = catalog.map((item) => item.id).join(', ');
  throw invalidSource(
    `Unknown model source '${spec}': expected a catalog id (${ids}), ` +
      'hf:owner/repo/file.gguf[@revision] or an http(s) URL.',
  );
}

// Two spellings of a revision: `owner/repo@rev/file.gguf` (huggingface_hub's repo@rev) and
// `owner/repo/file.gguf@rev`; only the second allows a '/' in it (e.g. refs/pr/1).
function splitRevision(spec: string): { path: string; revision: string } {
  const trailing = /^(.+\.gguf)@(.+)$/i.exec(spec);
  if (trailing) return { path: trailing[1]!, revision: trailing[2]! };
  const inRepo = /^([^/]+\/[^/@]+)@([^/]+)\/(.+)$/.exec(spec);
  if (inRepo) return { path: `${inRepo[1]}/${inRepo[3]}`, revision: inRepo[2]! };
  return { path: spec, revision: 'main' };
}

function resolveHf(spec: string, env: NodeJS.ProcessEnv): PullSource {
  const { path, revision } = splitRevision(spec);
  const [owner, repo, ...filePath] = path.split('/');
  const namePattern = /^[\w.-]+$/;
  if (!owner || !repo || !namePattern.test(owner) || !namePattern.test(repo) || !filePath.length) {
    throw invalidSource(`'hf:${spec}' is not of the form hf:owner/repo/path/file.gguf[@revision].`);
  }
  if (filePath.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw invalidSource(`'hf:${spec}' has an empty or relative path segment.`);
  }
  const fileName = checkFileName(filePath[filePath.length - 1]!, spec);
  if (!fileName.toLowerCase().endsWith('.gguf')) {
    throw invalidSource(`'hf:${spec}' does not name a .gguf file.`);
  }
  const encodedPath = filePath.map(encodeURIComponent).join('/');
  // huggingface_hub quotes the revision whole, so 'refs/pr/1' becomes one path segment.
  const url = `${hfEndpoint(env)}/${owner}/${repo}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
  return { url, fileName };
}

function resolveUrl(spec: string): PullSource {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw invalidSource(`'${spec}' is not a valid URL.`);
  }
  const lastSegment = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(lastSegment);
  } catch {
    throw invalidSource(`'${spec}' has a malformed file name.`);
  }
  const name = checkFileName(decoded, spec);
  // The engine finds models by their .gguf extension; the GGUF magic is checked on download.
  const fileName = name.toLowerCase().endsWith('.gguf') ? name : `${name}.gguf`;
  return { url: url.href, fileName };
}

function checkFileName(name: string, spec: string): string {
  const unsafe = /[/\\\0]/.test(name) || name === '.' || name === '..' || name === '';
  if (unsafe || name.toLowerCase() === '.gguf') {
    throw invalidSource(`'${spec}' does not end in a usable file name.`);
  }
  return name;
}

function invalidSource(message: string) {
  return badRequest(message, 'spec', 'invalid_model_source');
}

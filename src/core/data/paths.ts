// POSIX path helpers and upstream's file-name conventions, written for in-memory paths so the same code serves Node
// (real files), drag-and-drop and zips in the browser. Node's `path` would tie core to Node; this is all we need.

/** Upstream v7.0 IMG_FORMATS: the extensions (lower-cased, no dot) a dataset image may have. */
export const IMG_FORMATS: readonly string[] = ['bmp', 'dng', 'jpeg', 'jpg', 'mpo', 'png', 'tif', 'tiff', 'webp', 'pfm'];

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/');
}

/** Collapses '.', '..' and repeated slashes. A relative path keeps leading '..' it cannot resolve; '' becomes '.'. */
export function normalizePath(p: string): string {
  const abs = isAbsolutePath(p);
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      // '/..' is '/', as for the OS
    } else out.push(part);
  }
  const body = out.join('/');
  return abs ? `/${body}` : body || '.';
}

/** Joins like os.path.join: an absolute part restarts the path. The result is normalized. */
export function joinPath(...parts: string[]): string {
  let acc = '';
  for (const part of parts) {
    if (part === '') continue;
    acc = isAbsolutePath(part) || acc === '' ? part : `${acc}/${part}`;
  }
  return normalizePath(acc);
}

/** The folder of a path ('.' for a bare file name, '/' for a file in the root). */
export function dirnamePath(p: string): string {
  const n = normalizePath(p);
  const i = n.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : n.slice(0, i);
}

/** Upstream's extension test: the text after the last '.', lower-cased, is one of IMG_FORMATS. */
export function isImagePath(p: string): boolean {
  const dot = p.lastIndexOf('.');
  return dot >= 0 && IMG_FORMATS.includes(p.slice(dot + 1).toLowerCase());
}

/**
 * Upstream img2label_paths for one image: the LAST '/images/' becomes '/labels/' (none: unchanged), and everything
 * after the last '.' is replaced by 'txt'.
 */
export function labelPathFor(imagePath: string): string {
  const sa = '/images/';
  const i = imagePath.lastIndexOf(sa);
  const swapped = i < 0 ? imagePath : `${imagePath.slice(0, i)}/labels/${imagePath.slice(i + sa.length)}`;
  const dot = swapped.lastIndexOf('.');
  return `${dot < 0 ? swapped : swapped.slice(0, dot)}.txt`;
}

/**
 * Orders strings by Unicode code point, as Python's sorted() does. JS's default sort compares UTF-16 units, which
 * differs for characters beyond the Basic Multilingual Plane.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Only when a surrogate meets a non-surrogate above it do UTF-16 order and code point order disagree.
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

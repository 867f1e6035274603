// Joining byte chunks, for the zip reader and writers that gather an entry or a piece of an archive.

/** `parts` joined into one array of `size` bytes (their total length); a single part comes back as it is. */
export function concatBytes(parts: readonly Uint8Array[], size = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  if (parts.length === 1 && parts[0].length === size) return parts[0];
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// The one persistence request: asked on the first run only, the answer remembered, the browser's current word shown.
import { describe, expect, it } from 'vitest';
import { persistOnce, type PersistMemory, type StorageManagerLike } from './estimate';

function memory(initial: string | null = null): PersistMemory & { value: string | null } {
  const m = { value: initial, get: () => m.value, set: (v: string) => void (m.value = v) };
  return m;
}

/** A navigator.storage that grants or refuses persist() and counts the requests. */
function manager(grant: boolean, opts: { persisted?: boolean } = {}): StorageManagerLike & { asked: number } {
  let persisted = false;
  const m = {
    asked: 0,
    persist: async () => {
      m.asked++;
      persisted = grant;
      return grant;
    },
    ...(opts.persisted === false ? {} : { persisted: async () => persisted }),
  };
  return m;
}

describe('persistOnce', () => {
  it('asks once, remembers a grant, then reports the browser state without asking again', async () => {
    const mem = memory();
    const m = manager(true);
    expect(await persistOnce(mem, m)).toBe(true);
    expect(mem.value).toBe('granted');
    expect(await persistOnce(mem, m)).toBe(true);
    expect(m.asked).toBe(1);
  });

  it('a refusal is remembered and not asked again on later loads', async () => {
    const mem = memory();
    const m = manager(false);
    expect(await persistOnce(mem, m)).toBe(false);
    expect(mem.value).toBe('denied');
    expect(await persistOnce(mem, m)).toBe(false);
    expect(await persistOnce(mem, m)).toBe(false);
    expect(m.asked).toBe(1);
  });

  it('already persistent: no request; without persisted() the remembered answer stands; no API: unknown', async () => {
    const mem = memory();
    const m = manager(true);
    await m.persist!();
    m.asked = 0;
    expect(await persistOnce(mem, m)).toBe(true);
    expect(m.asked).toBe(0);
    expect(mem.value).toBe('granted');

    const noQuery = manager(true, { persisted: false });
    expect(await persistOnce(memory('denied'), noQuery)).toBe(false);
    expect(await persistOnce(memory('granted'), noQuery)).toBe(true);
    expect(noQuery.asked).toBe(0);

    const none = memory();
    expect(await persistOnce(none, undefined)).toBeUndefined();
    expect(none.value).toBeNull();
  });
});

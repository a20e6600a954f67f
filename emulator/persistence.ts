// The state file for `npm run dev`: loaded at start, written (debounced, atomically) after changes and on close.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { State } from './store.ts';
import { emptyState } from './store.ts';

const KEPT_DELIVERIES = 2000;

export function loadState(file: string): State | undefined {
  if (!existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (parsed === null || typeof parsed !== 'object') throw new Error(`${file} does not hold emulator state`);
  const fresh = emptyState();
  const loaded = parsed as Partial<State>;
  return {
    ...fresh,
    ...loaded,
    objects: { ...fresh.objects, ...(loaded.objects ?? {}) },
  };
}

export function writeState(file: string, state: State): void {
  mkdirSync(dirname(file), { recursive: true });
  const snapshot: State = { ...state, deliveries: state.deliveries.slice(-KEPT_DELIVERIES) };
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(snapshot));
  renameSync(temporary, file);
}

export interface Saver {
  schedule(): void;
  flush(): void;
}

export function createSaver(file: string | undefined, debounceMs: number, state: () => State): Saver {
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (file) writeState(file, state());
  };
  return {
    schedule() {
      if (!file || timer) return;
      timer = setTimeout(flush, debounceMs);
      timer.unref();
    },
    flush,
  };
}

/**
 * The open challenge and the challenges' progress as the store persists them: read back field by
 * field, anything malformed dropped (a corrupt entry never breaks the page).
 */
import type { ChallengeProgress, OpenChallenge } from '../store/state';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const ID = /^[a-z0-9-]{1,64}$/;

/** A persisted open challenge if it is well formed, else null. */
export function validChallenge(x: unknown): OpenChallenge | null {
  if (!isObj(x) || !isStr(x.id) || !ID.test(x.id) || !isStr(x.title) || !isStr(x.statement) || !Array.isArray(x.goals) || !Array.isArray(x.lessons)) return null;
  const goals = x.goals.filter((g): g is { id: string; text: string } => isObj(g) && isStr(g.id) && isStr(g.text)).map((g) => ({ id: g.id, text: g.text }));
  if (goals.length !== x.goals.length) return null;
  return { id: x.id, title: x.title, statement: x.statement, goals, lessons: x.lessons.filter(isStr) };
}

/** Persisted progress: the well-formed entries only. */
export function validProgress(x: unknown): Record<string, ChallengeProgress> {
  const out: Record<string, ChallengeProgress> = {};
  if (!isObj(x)) return out;
  for (const [id, p] of Object.entries(x)) {
    if (!ID.test(id) || !isObj(p) || typeof p.solved !== 'boolean' || !Array.isArray(p.goals)) continue;
    out[id] = { solved: p.solved, goals: p.goals.filter(isStr) };
  }
  return out;
}

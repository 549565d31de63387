/**
 * Every lesson of the gallery opened the way the IDE opens it (store fields, the loader's setup,
 * the tracepoint record from the engine), then Load and Run through a real Session: the verdict
 * and the run's result are the lesson's expected 4.8 outcome.
 */
import { describe, expect, test } from 'vitest';
import { LESSONS } from '../../src/lessons';
import { ide } from './ide';

describe('every lesson loads and runs in the IDE with its expected outcome', () => {
  // one IDE for all: opening a lesson must not depend on what ran before it
  const { actions, io, s } = ide();
  for (const lesson of LESSONS) {
    test(lesson.id, async () => {
      await io.openLesson(lesson);
      expect(s().text).toBe(lesson.source);
      expect(s().lesson?.id).toBe(lesson.id);
      const ok = await actions.load();
      expect(s().load?.setupProblems).toBeUndefined();
      const e = lesson.expect;
      expect(ok).toBe(e.load.accepted);
      if (!e.load.accepted) {
        expect(s().load?.errnoName).toBe(e.load.errno);
        expect(s().load?.log.trimEnd().split('\n').at(-1)).toBe(e.load.lastLine);
        return;
      }
      if (!e.run) return;
      await actions.run();
      const snap = s().snap!;
      expect(snap.state).toBe('exited');
      expect(snap.result?.retval).toBe(e.run.retval >>> 0);
      expect(snap.result?.verdict).toBe(e.run.verdict);
    });
  }
});

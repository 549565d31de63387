/**
 * Graded challenges in the IDE: opening one (its starter in the editor, its goals in the
 * challenge bar), checking the editor's program in the engine against the goals' hidden inputs,
 * the progress kept in the browser, and the link that shares a challenge without anyone's
 * solution. The challenges' data loads lazily (with the gallery), never with the first page.
 */
import type { Challenge } from '../../src/lessons';
import { byName, PROG_TYPE_NAMES, ProgType } from '../../src/isa';
import type { IoContext } from './io-context';
import type { ChallengeProgress, OpenChallenge } from './state';

/** The challenge as the store keeps it while it is open (persisted, so a reload keeps the bar). */
const openChallengeOf = (c: Challenge): OpenChallenge => ({
  id: c.id,
  title: c.title,
  statement: c.statement,
  goals: c.goals.map((g) => ({ id: g.id, text: g.text })),
  lessons: [...c.lessons],
});

export function makeChallengeActions(c: IoContext) {
  const { get, set, api, base, leaveProgram, fresh } = c;

  async function openChallenge(ch: Challenge): Promise<void> {
    await leaveProgram();
    set({
      ...fresh,
      text: ch.starter,
      progType: byName(PROG_TYPE_NAMES, ch.progType) ?? ProgType.SocketFilter,
      privileged: ch.privileged,
      logLevel: 1,
      lesson: null,
      capture: null,
      pendingSetup: { freshWorld: true },
      challenge: openChallengeOf(ch),
      grade: null,
    });
    void base.assembleNow();
  }

  /** Opens a challenge by id (a `#challenge=<id>` link); false for an unknown one. */
  async function openChallengeById(id: string): Promise<boolean> {
    const { challengeById } = await import('../../src/lessons/challenges');
    const ch = challengeById(id);
    if (!ch) {
      base.notify('error', `There is no challenge "${id}". Your program is unchanged.`);
      return false;
    }
    await openChallenge(ch);
    base.notify('info', `Opened the challenge "${ch.title}".`);
    return true;
  }

  /** Grades the editor's text against the open challenge; the progress remembers the goals passed. */
  async function checkChallenge(): Promise<void> {
    const s = get();
    if (!s.challenge || s.grading) return;
    set({ grading: true });
    try {
      const r = c.value(await api.gradeChallenge({ id: s.challenge.id, text: s.text, syntax: s.syntax }));
      if (!r || get().challenge?.id !== r.id) return;
      const before: ChallengeProgress | undefined = get().progress[r.id];
      const now: ChallengeProgress = { solved: r.passed || (before?.solved ?? false), goals: r.goals.filter((g) => g.pass).map((g) => g.id) };
      set({ grade: r, progress: { ...get().progress, [r.id]: now } });
    } finally {
      set({ grading: false });
    }
  }

  return {
    openChallenge,
    openChallengeById,
    checkChallenge,
    closeChallenge: () => set({ challenge: null, grade: null }),
  };
}

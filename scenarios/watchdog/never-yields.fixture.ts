/**
 * For the watchdog's own test (watchdog.test.ts) only: a test that never yields. It is not a
 * `.test.ts` file, so the suite never runs it by itself.
 */
describe('a test stuck in synchronous code', () => {
  it('never returns', () => {
    for (let turns = 0; ; turns++) if (turns < 0) break;
  });
});

/**
 * The tests of an e2e spec are steps of one walk through the workbench: each builds on the state the
 * ones before left. After the first failure, every later step fails at once naming it, instead of
 * failing for a reason of its own that hides the first one. A failed step leaves a screenshot.
 */
export function stepsInOrder(screenshot: (name: string) => Promise<void> | undefined, prefix: string): void {
  let firstFailure: string | undefined;
  beforeEach(function () {
    if (firstFailure) throw new Error(`Not run: this step builds on "${firstFailure}", the first step that failed.`);
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed') return;
    firstFailure ??= test.title;
    await screenshot(`failed-${prefix}${test.title.slice(0, 40).replace(/\W+/g, '-')}`);
  });
}

// Mocha's spec output for people, plus the counts in a file for the top-level test runner, which sums
// every suite into one closing "N passed, N failed, N skipped" line, checks each skipped test against
// the list of allowed skips (test/allowedSkips.json) and repeats each failure's title and first line at
// the end, where a CI log's tail shows it.
const { writeFileSync } = require('node:fs');
const Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skippedTitles = [];
    const failedTests = [];
    runner.on('pending', (test) => skippedTitles.push(test.fullTitle()));
    runner.on('fail', (test, error) =>
      failedTests.push(
        `${test.fullTitle()}: ${String(error?.message ?? error)
          .split('\n')[0]
          .slice(0, 300)}`,
      ),
    );
    runner.once('end', () => {
      const file = process.env.MOCHA_COUNTS_FILE;
      if (!file) return;
      const { passes, failures, pending } = runner.stats ?? {};
      writeFileSync(
        file,
        JSON.stringify({
          passed: passes ?? 0,
          failed: failures ?? 0,
          skipped: pending ?? 0,
          skippedTitles,
          failures: failedTests,
        }),
      );
    });
  }
}

module.exports = CountingReporter;

import type { SparkError } from './sparkError.js';

/**
 * Spark failures a user cannot act on as Spark words them ("TaskResultLost (result lost from block
 * manager)"), each as a sentence that says what happened and what to do. The original message stays
 * the error's own, for details and --verbose.
 */
export interface FailureExplanation {
  /** A short name for what happened. */
  readonly title: string;
  /** What happened and what to do, in one or two sentences. */
  readonly advice: string;
}

interface Rule {
  readonly matches: RegExp;
  readonly explanation: FailureExplanation;
}

const RULES: readonly Rule[] = [
  {
    matches: /is bigger than (?:spark\.driver\.maxResultSize|maxResultSize)|Total size of serialized results/i,
    explanation: {
      title: 'Result too large for the driver',
      advice:
        "The result is larger than the Spark driver may collect (spark.driver.maxResultSize, 1 GiB by default). Fetch fewer rows (a LIMIT, fewer columns, or an aggregate), or raise spark.driver.maxResultSize in the server's configuration.",
    },
  },
  {
    matches: /TaskResultLost|result lost from block manager/i,
    explanation: {
      title: 'Task result lost',
      advice:
        "Spark lost a task's result before the driver could read it, which usually means the driver ran short of memory collecting a large result. Fetch fewer rows (a LIMIT or an aggregate), or give the driver more memory (sparkWorkbench.localSpark.driverMemory for the local server, spark.driver.memory elsewhere).",
    },
  },
  {
    matches: /java\.lang\.OutOfMemoryError|OutOfMemoryError: Java heap space|GC overhead limit exceeded/i,
    explanation: {
      title: 'Out of memory',
      advice:
        'A Spark JVM ran out of memory. Fetch or process less at once (a LIMIT, fewer columns, an aggregate), or give Spark more memory (sparkWorkbench.localSpark.driverMemory for the local server, spark.driver.memory or spark.executor.memory elsewhere).',
    },
  },
  {
    matches: /ExecutorLostFailure|Executor \S+ lost|executor lost|Lost executor/i,
    explanation: {
      title: 'Executor lost',
      advice:
        'A Spark executor died during the job (its process or machine went away, often from running out of memory), and Spark gave up on the task. Run it again; if it happens again, give executors more memory (spark.executor.memory) or process less data per task.',
    },
  },
  {
    matches: /SparkContext (?:was shut down|has been shutdown|is shutting down)|Cannot call methods on a stopped SparkContext/i,
    explanation: {
      title: 'Spark shut down',
      advice:
        'The Spark server shut down while the query ran (it was stopped or crashed). Start it again (for the local server: Restart Local Spark), then run the query again.',
    },
  },
];

/** The explanation of a failure Spark words badly, or undefined when its own message is clear enough. */
export function explainFailure(error: Pick<SparkError, 'message' | 'errorClass'>): FailureExplanation | undefined {
  const text = `${error.errorClass ?? ''} ${error.message}`;
  return RULES.find((rule) => rule.matches.test(text))?.explanation;
}

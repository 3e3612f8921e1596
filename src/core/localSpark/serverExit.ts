import { constants } from 'node:os';

/** How the managed local server's process ended, as the watcher saw it. */
export interface LocalServerExit {
  readonly port: number;
  readonly pid: number;
  /** The exit code, when the JVM ended by itself. */
  readonly code?: number;
  /** The signal that ended it (9 for SIGKILL, the kernel's out-of-memory killer included). */
  readonly signal?: number;
  /** Stopped on purpose: Stop Local Spark, `spark-workbench server stop`. */
  readonly requested: boolean;
  /** The JVM ran out of heap (Spark's exit code 52, or an OutOfMemoryError in its log). */
  readonly outOfMemory: boolean;
  /** The last lines of the server's log that say what went wrong (errors, exceptions), newest last. */
  readonly logLines: readonly string[];
  readonly logFile: string;
}

/** Spark's own exit code for an OutOfMemoryError in the driver (SparkExitCode.OOM). */
const SPARK_EXIT_OOM = 52;
/** Spark's exit code for an uncaught exception in a driver thread (SparkExitCode.UNCAUGHT_EXCEPTION). */
const SPARK_EXIT_UNCAUGHT = 50;
const RELEVANT_LINE = /\b(ERROR|FATAL)\b|Exception|Error\b|OutOfMemory|Killed|Shutdown hook|shutting down/i;
/** The UI's web server complaining about a client that went away says nothing about why Spark died. */
const NOISE_LINE = /jetty|ServerRuntime\$Responder|Broken pipe/i;

/**
 * Reads an exit status as the wrapper shell recorded it: a shell reports a process ended by signal N
 * as 128 + N.
 */
export function exitFromStatus(status: number | undefined): { code?: number; signal?: number } {
  if (status === undefined || !Number.isInteger(status)) return {};
  return status > 128 && status < 128 + 65 ? { signal: status - 128 } : { code: status };
}

/** The lines of a server log worth showing after a crash: the last `max` that report a failure. */
export function relevantLogLines(log: string, max = 5): string[] {
  const lines = log.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.filter((line) => RELEVANT_LINE.test(line) && !NOISE_LINE.test(line)).slice(-max);
}

export function logSaysOutOfMemory(log: string): boolean {
  return /java\.lang\.OutOfMemoryError/.test(log);
}

export function signalName(signal: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === signal)?.[0];
}

/**
 * One sentence for the user: what happened to Local Spark, then what to do about memory when that
 * was the cause. The log lines go after it, apart, so callers can show them as details.
 */
export function describeServerExit(exit: LocalServerExit): string {
  if (exit.requested) return 'Local Spark was stopped.';
  let how: string;
  if (exit.signal !== undefined) {
    const name = signalName(exit.signal);
    how = `killed by signal ${exit.signal}${name ? `, ${name}` : ''}`;
  } else if (exit.code === SPARK_EXIT_OOM) how = `exit code ${exit.code}: out of memory`;
  else if (exit.code === SPARK_EXIT_UNCAUGHT) how = `exit code ${exit.code}: an uncaught error in the driver`;
  else if (exit.code !== undefined) how = `exit code ${exit.code}`;
  else how = 'its process ended';
  let sentence = `Local Spark stopped (${how}).`;
  if (exit.outOfMemory)
    sentence +=
      ' The Spark driver ran out of memory (java.lang.OutOfMemoryError): give it more with the setting ' +
      'sparkWorkbench.localSpark.driverMemory (or `spark-workbench server start --driver-memory 4g`), or fetch fewer rows.';
  else if (exit.signal === 9)
    sentence += ' Something outside Spark ended it, such as `kill -9` or the system running out of memory.';
  return sentence;
}

/** The sentence followed by the relevant log lines, for a failure notice or a terminal. */
export function describeServerExitWithLog(exit: LocalServerExit): string {
  const sentence = describeServerExit(exit);
  if (exit.requested || exit.logLines.length === 0) return sentence;
  return `${sentence}\nLast lines of its log (${exit.logFile}):\n${exit.logLines.map((line) => `  ${line}`).join('\n')}`;
}

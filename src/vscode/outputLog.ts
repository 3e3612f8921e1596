import { redactConnectionString } from '../core/connect/connectionString.js';
import type { Disposable } from '../core/util/events.js';
import type { LogChannel } from './host/workbenchHost.js';

/** The "Spark Workbench" log channel. Everything passes through redaction: no token reaches the output. */
export class OutputLog implements Disposable {
  constructor(private readonly channel: LogChannel) {}

  info(message: string): void {
    this.channel.info(redact(message));
  }

  error(message: string, error?: unknown): void {
    this.channel.error(redact(error instanceof Error ? `${message}: ${error.message}` : message));
  }

  /** Reveals the log without taking the focus from the editor. */
  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

function redact(text: string): string {
  return redactConnectionString(text).replace(/(Bearer\s+)\S+/gi, '$1***');
}

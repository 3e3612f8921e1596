import * as vscode from 'vscode';
import { redactConnectionString } from '../core/connect/connectionString.js';

/** The "Spark Workbench" log channel. Everything passes through redaction: no token reaches the output. */
export class OutputLog implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Spark Workbench', { log: true });

  info(message: string): void {
    this.channel.info(redact(message));
  }

  error(message: string, error?: unknown): void {
    this.channel.error(redact(error instanceof Error ? `${message}: ${error.message}` : message));
  }

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

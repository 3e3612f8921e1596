/** The shape of a VS Code Disposable, so core objects plug into the extension's lifetimes as they are. */
export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; the returned Disposable unsubscribes (same shape as vscode.Event). */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** A minimal event source for the pure core, where vscode.EventEmitter is not available. */
export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // One faulty listener must not stop the others, nor the code that fired the event.
        console.error('Spark Workbench: event listener failed', error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Disposes a set of resources together, last added first. */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch (error) {
        console.error('Spark Workbench: dispose failed', error);
      }
    }
  }
}

import type { Disposable } from '../../core/util/events.js';
import type { EditorHost } from '../host/editorHost.js';

export const PLAN_SCHEME = 'spark-plan';

/** Explained plans as read-only documents (`spark-plan:` URIs), kept while the window lives. */
export class PlanDocuments implements Disposable {
  private readonly plans = new Map<string, string>();
  private readonly registration: Disposable;
  private next = 1;

  constructor(private readonly host: Pick<EditorHost, 'registerReadOnlyDocuments' | 'showDocument'>) {
    this.registration = host.registerReadOnlyDocuments(PLAN_SCHEME, (uri) => this.plans.get(uri));
  }

  /** Shows `plan` in a read-only editor beside the current one, named after what was explained. */
  async show(title: string, plan: string): Promise<string> {
    const name = `Plan ${this.next++} - ${
      title
        .replace(/[^\w.,=()-]+/g, ' ')
        .trim()
        .slice(0, 60) || 'query'
    }.txt`;
    const uri = `${PLAN_SCHEME}:/${encodeURIComponent(name)}`;
    this.plans.set(uri, plan);
    await this.host.showDocument(uri, { beside: true });
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.plans.clear();
  }
}

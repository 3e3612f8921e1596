import type { JobControl } from '../connect/cancelWatch.js';

interface RestJob {
  readonly jobId: number;
  readonly status: string;
  readonly jobTags?: readonly string[];
}

/**
 * The managed local server's jobs, through its Spark UI on 127.0.0.1: what Spark Connect does not
 * expose. A cancel uses it to see whether a job of the cancelled operation still runs, and to kill it
 * by id (Spark Connect's own Interrupt cannot reach a job whose operation already ended).
 */
export class SparkUiJobs implements JobControl {
  private appId: Promise<string> | undefined;
  private csrfToken: Promise<string | undefined> | undefined;

  constructor(
    private readonly port: number,
    private readonly timeoutMs = 5_000,
  ) {}

  private url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  private async get(path: string, timeoutMs = this.timeoutMs): Promise<Response> {
    const response = await fetch(this.url(path), { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    if (!response.ok) throw new Error(`Spark UI ${path}: HTTP ${response.status}`);
    return response;
  }

  private application(): Promise<string> {
    // The first request waits for the UI to initialise, which takes seconds on a busy machine.
    this.appId ??= this.get('/api/v1/applications', 30_000).then(async (response) => {
      const apps = (await response.json()) as { id: string }[];
      if (!apps[0]) throw new Error('The Spark UI lists no application.');
      return apps[0].id;
    });
    this.appId.catch(() => (this.appId = undefined));
    return this.appId;
  }

  /** The UI's first answer can take seconds (it initialises on first use): ask early, in the background. */
  prime(): void {
    this.application().catch(() => undefined);
  }

  async runningJobs(operationId: string, tag: string): Promise<number[]> {
    const app = await this.application();
    const jobs = (await (await this.get(`/api/v1/applications/${app}/jobs?status=running`)).json()) as RestJob[];
    // Spark Connect tags a job with SparkConnect_OperationTag_…_Operation_<id> and, per execution tag,
    // SparkConnect_SessionTag_…_Tag_<tag>.
    const ours = (jobTag: string) => jobTag.endsWith(`_Operation_${operationId}`) || jobTag.endsWith(`_Tag_${tag}`);
    return jobs.filter((job) => job.status === 'RUNNING' && (job.jobTags ?? []).some(ours)).map((job) => job.jobId);
  }

  async kill(jobIds: readonly number[]): Promise<void> {
    const token = await this.token();
    for (const id of jobIds) {
      const body = new URLSearchParams({ id: String(id), ...(token ? { csrfToken: token } : {}) });
      await fetch(this.url('/jobs/job/kill/'), {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    }
  }

  /** The UI's kill forms carry a CSRF token (Spark 4.1+); the same one for the life of the UI. */
  private token(): Promise<string | undefined> {
    this.csrfToken ??= this.get('/jobs/').then(async (response) => {
      const html = await response.text();
      return /name="csrfToken"\s+value="([^"]+)"/.exec(html)?.[1] ?? /csrfToken[^A-Za-z0-9]+([A-Za-z0-9_-]{16,})/.exec(html)?.[1];
    });
    this.csrfToken.catch(() => (this.csrfToken = undefined));
    return this.csrfToken;
  }
}

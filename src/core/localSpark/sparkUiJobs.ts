import type { JobControl, JobOwner, RunningJob } from '../connect/cancelWatch.js';
import { planWritesOneOf } from './planWrites.js';

interface RestJob {
  readonly jobId: number;
  readonly status: string;
  readonly jobTags?: readonly string[];
  readonly stageIds?: readonly number[];
  readonly numSkippedStages?: number;
}

interface RestSqlExecution {
  readonly id: number;
  readonly successJobIds?: readonly number[];
  readonly failedJobIds?: readonly number[];
  readonly runningJobIds?: readonly number[];
  readonly nodes?: readonly {
    readonly nodeName: string;
    readonly metrics?: readonly { readonly name: string; readonly value: string }[];
  }[];
}

/** What Spark did for the operations of an execution tag, as its UI recorded it. */
export interface TaggedWork {
  readonly jobs: number;
  /** Stages that ran (skipped ones, whose shuffle output was reused, left out). */
  readonly stages: number;
  /** The scan operators of the executed plans, with the rows each read. */
  readonly scans: readonly { readonly node: string; readonly rows?: number }[];
}

/**
 * The managed local server's jobs, through its Spark UI on 127.0.0.1: what Spark Connect does not
 * expose. A cancel uses it to see whether a job of the cancelled operation still runs, and to kill it
 * by id (Spark Connect's own Interrupt cannot reach a job whose operation already ended).
 */
export class SparkUiJobs implements JobControl {
  private appId: Promise<string> | undefined;
  private csrfToken: Promise<string | undefined> | undefined;
  /** The plans of SQL executions looked at, by id: an execution's plan does not change. */
  private readonly plans = new Map<string, string>();

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

  async runningJobs({ operationId, tag, writes = [] }: JobOwner): Promise<RunningJob[]> {
    const app = await this.application();
    const jobs = (await (await this.get(`/api/v1/applications/${app}/jobs?status=running`)).json()) as RestJob[];
    // Spark Connect tags a job with SparkConnect_OperationTag_…_Operation_<id> and, per execution tag,
    // SparkConnect_SessionTag_…_Tag_<tag>.
    const ours = (jobTag: string) => jobTag.endsWith(`_Operation_${operationId}`) || jobTag.endsWith(`_Tag_${tag}`);
    const found: RunningJob[] = [];
    for (const job of jobs.filter((j) => j.status === 'RUNNING')) {
      const tags = job.jobTags ?? [];
      if (tags.some(ours)) found.push({ id: job.jobId, tagged: true });
      else if (writes.length > 0 && (await this.writesOneOf(app, tags, writes))) found.push({ id: job.jobId, tagged: false });
    }
    return found;
  }

  /** Whether the SQL execution a job belongs to (its root, named by a tag Spark 4 adds) writes one of these tables. */
  private async writesOneOf(app: string, jobTags: readonly string[], tables: readonly string[]): Promise<boolean> {
    const root = jobTags.map((t) => /-execution-root-id-(\d+)$/.exec(t)?.[1]).find((id) => id !== undefined);
    if (root === undefined) return false;
    let plan = this.plans.get(root);
    if (plan === undefined) {
      const execution = (await (
        await this.get(`/api/v1/applications/${app}/sql/${root}?details=true&planDescription=true`)
      ).json()) as {
        planDescription?: string;
      };
      plan = execution.planDescription ?? '';
      if (this.plans.size >= 100) this.plans.clear();
      this.plans.set(root, plan);
    }
    return planWritesOneOf(plan, tables);
  }

  /**
   * The jobs, stages and scans of everything Spark ran under an execution tag (a finished query's):
   * what a benchmark or a test measures instead of assuming.
   */
  async workOfTag(tag: string): Promise<TaggedWork> {
    const app = await this.application();
    const jobs = ((await (await this.get(`/api/v1/applications/${app}/jobs`)).json()) as RestJob[]).filter((job) =>
      (job.jobTags ?? []).some((t) => t.endsWith(`_Tag_${tag}`)),
    );
    const ids = new Set(jobs.map((job) => job.jobId));
    const executions = (await (
      await this.get(`/api/v1/applications/${app}/sql?details=true&planDescription=false&length=10000`)
    ).json()) as RestSqlExecution[];
    const mine = executions.filter((e) =>
      [...(e.successJobIds ?? []), ...(e.failedJobIds ?? []), ...(e.runningJobIds ?? [])].some((id) => ids.has(id)),
    );
    const scans = mine.flatMap((e) =>
      (e.nodes ?? [])
        .filter((n) => /^Scan\b/.test(n.nodeName))
        .map((n) => {
          const rows = n.metrics?.find((m) => m.name === 'number of output rows')?.value;
          return { node: n.nodeName, rows: rows === undefined ? undefined : Number(rows.replace(/[^\d]/g, '')) };
        }),
    );
    return {
      jobs: jobs.length,
      stages: jobs.reduce((sum, job) => sum + (job.stageIds?.length ?? 0) - (job.numSkippedStages ?? 0), 0),
      scans,
    };
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

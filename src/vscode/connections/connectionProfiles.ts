import { parseConnectionString } from '../../core/connect/connectionString.js';
import { LOCAL_PROFILE_NAME, type ConnectionProfile } from '../../core/session/connectionManager.js';

export interface ConfiguredProfiles {
  readonly profiles: ConnectionProfile[];
  /** One sentence per ignored entry, for the log; none repeats a secret from the entry. */
  readonly problems: string[];
}

interface ConfiguredConnection {
  name?: unknown;
  url?: unknown;
}

// Checked before parsing, so no parser message can echo any part of a secret: a token parameter in any
// letter case (Spark's keys are case-sensitive, so `TOKEN=` would otherwise travel as plain metadata),
// and user info before an '@', which Spark Connect does not use but a pasted URL may carry.
const TOKEN_PARAMETER = /[/;]\s*token\s*=/i;
const USER_INFO = /^[a-z][a-z0-9+.-]*:\/\/[^/;]*@/i;

/**
 * The profiles the `sparkWorkbench.connections` setting describes: the built-in "Local Spark" first, then
 * each entry with a name and a valid `sc://` URL holding no token, in order; the first of a name wins.
 */
export function connectionProfiles(configured: unknown, localPort: number): ConfiguredProfiles {
  const profiles: ConnectionProfile[] = [{ kind: 'local', name: LOCAL_PROFILE_NAME, port: localPort }];
  const problems: string[] = [];
  if (!Array.isArray(configured)) {
    if (configured !== undefined && configured !== null)
      problems.push('sparkWorkbench.connections must be a list; it was ignored.');
    return { profiles, problems };
  }
  for (const entry of configured as (ConfiguredConnection | null | undefined)[]) {
    const name = typeof entry?.name === 'string' ? entry.name.trim() : '';
    const url = typeof entry?.url === 'string' ? entry.url.trim() : '';
    if (!name || !url) {
      problems.push('A connection in sparkWorkbench.connections needs both a name and a url.');
      continue;
    }
    const problem = urlProblem(name, url);
    if (problem) problems.push(problem);
    else if (profiles.some((p) => p.name === name))
      problems.push(`Connection name '${name}' is used twice; the first one is kept.`);
    else profiles.push({ kind: 'remote', name, url });
  }
  return { profiles, problems };
}

function urlProblem(name: string, url: string): string | undefined {
  if (USER_INFO.test(url))
    return `Connection '${name}' has a user name or password in its URL; it was ignored. Use "Spark: Set Token…" instead.`;
  const tokenProblem = `Connection '${name}' has a token in its URL; it was ignored. Use "Spark: Set Token…" instead.`;
  if (TOKEN_PARAMETER.test(url)) return tokenProblem;
  try {
    return parseConnectionString(url).token === undefined ? undefined : tokenProblem;
  } catch (error) {
    return `Connection '${name}': ${(error as Error).message}`;
  }
}

/** The quick pick's second column for a profile: where it connects to. */
export function profileDescription(profile: ConnectionProfile): string {
  const where = profile.kind === 'local' ? `managed server on 127.0.0.1:${profile.port}` : profile.url;
  const environment = profile.environment;
  if (!environment) return where;
  const target = [environment.catalog, environment.schema].filter(Boolean).join('.');
  return `${environment.production ? 'production environment' : 'environment'}${target ? ` → ${target}` : ''} · ${where}`;
}

import type { ConnectionProfile } from '../../core/session/connectionManager.js';
import { vscodeHost } from '../host/vscodeHost.js';
import { showFailureNotice } from './failureNotice.js';

/**
 * A failure shown where the user can act on it, through the real VS Code API, for callers that are not
 * given a host. The decisions live in failureNotice.ts.
 */
export function showFailure(error: unknown, profile: ConnectionProfile | undefined): Promise<void> {
  return showFailureNotice(vscodeHost, error, profile);
}

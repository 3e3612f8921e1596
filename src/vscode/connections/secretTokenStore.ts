import type * as vscode from 'vscode';
import type { TokenStore } from '../../core/session/connectionManager.js';

/** Tokens per connection name in VS Code's SecretStorage (the OS keychain); never in settings. */
export class SecretTokenStore implements TokenStore {
  constructor(private readonly secrets: Pick<vscode.SecretStorage, 'get' | 'store' | 'delete'>) {}

  private key(profileName: string): string {
    return `sparkWorkbench.token.${profileName}`;
  }

  get(profileName: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(this.key(profileName)));
  }

  /** Stores the token, or removes the stored one when `token` is empty or undefined. */
  async set(profileName: string, token: string | undefined): Promise<void> {
    if (token) await this.secrets.store(this.key(profileName), token);
    else await this.secrets.delete(this.key(profileName));
  }
}

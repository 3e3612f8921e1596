import { NamedSecrets, type SecretStorage } from '../connections/secretTokenStore.js';

/** Database passwords per source name. */
export class DatabasePasswordStore extends NamedSecrets {
  constructor(secrets: SecretStorage) {
    super(secrets, 'sparkWorkbench.databasePassword.');
  }
}

import assert from 'node:assert/strict';
import { namingDatabases, SparkError } from '../../src/core/connect/sparkError.js';

const jdbcFailure = new SparkError({
  kind: 'spark',
  errorClass: 'FAILED_JDBC.CONNECTION',
  message:
    "[FAILED_JDBC.CONNECTION] Failed JDBC jdbc:postgresql:*********(redacted) on the operation: Couldn't connect to the database SQLSTATE: HV000",
});
const databases = new Map([
  ['crm', 'jdbc:postgresql://db:5432/crm'],
  ['analytics', 'jdbc:postgresql://db:5432/analytics'],
]);

describe('JDBC errors name the database', () => {
  it("names the database the query reads in place of Spark's redacted URL", () => {
    const named = namingDatabases(jdbcFailure, 'SELECT * FROM crm.public.customers c JOIN lake.orders o ON true', databases);
    assert.match(named.message, /Failed JDBC the database crm \(jdbc:postgresql:\/\/db:5432\/crm\) on the operation/);
    assert.equal(named.errorClass, 'FAILED_JDBC.CONNECTION');
  });

  it('names each database a query reads, quoted or spaced, and none it only mentions', () => {
    assert.match(
      namingDatabases(jdbcFailure, 'SELECT 1 FROM `crm` . public.a, ANALYTICS.public.b', databases).message,
      /the database crm \(.*\) or the database analytics \(/,
    );
    assert.equal(
      namingDatabases(jdbcFailure, "SELECT 'crm.x' AS s FROM notcrm.public.t, mycrm.x", databases).message.includes('crm ('),
      false,
    );
  });

  it('leaves other errors as they are', () => {
    const other = new SparkError({ kind: 'spark', errorClass: 'TABLE_OR_VIEW_NOT_FOUND', message: 'no crm.public.x' });
    assert.equal(namingDatabases(other, 'SELECT * FROM crm.public.x', databases), other);
  });
});

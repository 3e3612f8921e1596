import assert from 'node:assert/strict';
import { catalogSettings, passwordVariable, readWorkbenchFile, serverDrivers } from '../../src/core/databases/databaseSources.js';
import { swapStatement } from '../../src/core/databases/publishing.js';

const FILE = `databases:
  crm:
    url: jdbc:postgresql://127.0.0.1:5432/crm
    user: reader
    options:
      fetchsize: 10000
  shop:
    url: jdbc:mysql://127.0.0.1:3306/shop
    driver: com.mysql:mysql-connector-j:9.4.0
    driverClass: com.mysql.cj.jdbc.Driver
  local_files:
    url: jdbc:sqlite:/data/app.db
    driver: /opt/jars/sqlite-jdbc.jar
`;

/** The text a problem's range covers. */
const under = (text: string, problem: { start: number; end: number }) => text.slice(problem.start, problem.end);

describe('spark-workbench.yml: database sources', () => {
  it('reads each database with its url, user, driver and options', () => {
    const { databases, problems } = readWorkbenchFile(FILE);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      databases.map(({ name, url, user, driver, driverClass, options }) => ({ name, url, user, driver, driverClass, options })),
      [
        {
          name: 'crm',
          url: 'jdbc:postgresql://127.0.0.1:5432/crm',
          user: 'reader',
          driver: undefined,
          driverClass: undefined,
          options: { fetchsize: '10000' },
        },
        {
          name: 'shop',
          url: 'jdbc:mysql://127.0.0.1:3306/shop',
          user: undefined,
          driver: 'com.mysql:mysql-connector-j:9.4.0',
          driverClass: 'com.mysql.cj.jdbc.Driver',
          options: {},
        },
        {
          name: 'local_files',
          url: 'jdbc:sqlite:/data/app.db',
          user: undefined,
          driver: '/opt/jars/sqlite-jdbc.jar',
          driverClass: undefined,
          options: {},
        },
      ],
    );
    assert.equal(under(FILE, databases[0]!), 'crm');
  });

  it("makes each a catalog of Spark's JDBC support, the password only when there is one", () => {
    const [crm, shop] = readWorkbenchFile(FILE).databases;
    assert.deepEqual(catalogSettings(crm!, 's3cret'), {
      'spark.sql.catalog.crm': 'org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog',
      'spark.sql.catalog.crm.url': 'jdbc:postgresql://127.0.0.1:5432/crm',
      'spark.sql.catalog.crm.user': 'reader',
      'spark.sql.catalog.crm.password': 's3cret',
      'spark.sql.catalog.crm.driver': 'org.postgresql.Driver',
      'spark.sql.catalog.crm.fetchsize': '10000',
    });
    assert.equal(catalogSettings(shop!, undefined)['spark.sql.catalog.shop.password'], undefined);
    assert.equal(catalogSettings(shop!, undefined)['spark.sql.catalog.shop.driver'], 'com.mysql.cj.jdbc.Driver');
  });

  it('gives the local server the drivers: PostgreSQL by default, others by coordinates or a jar', () => {
    assert.deepEqual(serverDrivers(readWorkbenchFile(FILE).databases), {
      packages: ['com.mysql:mysql-connector-j:9.4.0', 'org.postgresql:postgresql:42.7.14'],
      jars: ['/opt/jars/sqlite-jdbc.jar'],
    });
    assert.equal(passwordVariable('crm'), 'SPARK_WORKBENCH_DB_CRM_PASSWORD');
  });

  it('puts every mistake at its range, and never accepts a password in the file', () => {
    const text = `databases:
  crm:
    url: postgresql://127.0.0.1/crm
    password: hunter2
  spark_catalog:
    url: jdbc:postgresql://x/y
  oracle_db:
    url: jdbc:oracle:thin:@host:1521/db
  shop:
    user: a
  leaky:
    url: jdbc:postgresql://u:pw@host/db
    optons: {}
tables: {}
`;
    const { databases, problems } = readWorkbenchFile(text);
    assert.deepEqual(
      problems.map((p) => [under(text, p), p.message.split(':')[0]]),
      [
        ['password', 'A password never goes in a file'],
        ['postgresql://127.0.0.1/crm', "'url' must be a JDBC URL (jdbc"],
        ['spark_catalog', "'spark_catalog' cannot name a catalog"],
        ['oracle_db', "Spark needs the JDBC driver of 'oracle'"],
        ['shop', "The database 'shop' needs a 'url' (jdbc"],
        ['optons', "Unknown field 'optons' of a database. Fields"],
        ['jdbc:postgresql://u:pw@host/db', 'The URL holds a password'],
        ['tables', "Unknown section 'tables'. Sections"],
      ],
    );
    assert.deepEqual(
      databases.map((d) => d.name),
      ['oracle_db', 'leaky'],
    );
    assert.ok(!JSON.stringify(problems).includes('hunter2'));
  });

  it('takes an empty file, and reports YAML that does not parse', () => {
    assert.deepEqual(readWorkbenchFile(''), { databases: [], publish: [], environments: [], problems: [] });
    assert.match(readWorkbenchFile('databases: [').problems[0]!.message, /^YAML: /);
  });

  describe('publish', () => {
    const file = (publish: string) =>
      readWorkbenchFile(
        `databases:\n  analytics:\n    url: jdbc:postgresql://db:5432/analytics\n  shop:\n    url: jdbc:mysql://db:3306/shop\n    driver: com.mysql:mysql-connector-j:9.1.0\npublish:\n${publish}`,
      );
    const messages = (publish: string) => file(publish).problems.map((p) => p.message);

    it('maps a dataset to database.schema.table of a declared PostgreSQL database, at the dataset name', () => {
      const text = '  trend_analysis: analytics.public.trend_analysis\n';
      const read = file(text);
      assert.deepEqual(read.problems, []);
      const [target] = read.publish;
      assert.deepEqual(
        { ...target, start: undefined, end: undefined },
        {
          dataset: 'trend_analysis',
          database: 'analytics',
          schema: 'public',
          table: 'trend_analysis',
          start: undefined,
          end: undefined,
        },
      );
    });

    it('says what is wrong with a target, at its range', () => {
      assert.match(messages('  a: analytics.trend\n')[0]!, /'a' is published to database\.schema\.table/);
      assert.match(messages('  a: analytics.public.bad-name\n')[0]!, /each a name of letters, digits and _/);
      assert.match(
        messages('  a: crm.public.t\n')[0]!,
        /'crm' is not a database of this file: declare it under databases \(analytics, shop\)/,
      );
      assert.match(
        messages('  a: shop.public.t\n')[0]!,
        /Publishing needs a PostgreSQL database \(jdbc:postgresql:…\): 'shop' is jdbc:mysql:…/,
      );
      assert.match(
        messages('  a: analytics.public.t\n  b: analytics.public.t\n')[0]!,
        /Two datasets are published to analytics\.public\.t/,
      );
      assert.match(messages('  - a\n')[0]!, /'publish' maps each dataset to its table/);
      const read = file('  a: analytics.public.t\n  b: nowhere.public.t\n');
      assert.deepEqual(
        read.publish.map((t) => t.dataset),
        ['a'],
      );
      const problem = read.problems[0]!;
      assert.equal(
        `databases:\n  analytics:\n    url: jdbc:postgresql://db:5432/analytics\n  shop:\n    url: jdbc:mysql://db:3306/shop\n    driver: com.mysql:mysql-connector-j:9.1.0\npublish:\n  a: analytics.public.t\n  b: nowhere.public.t\n`.slice(
          problem.start,
          problem.end,
        ),
        'nowhere.public.t',
      );
    });

    it('swaps in one PostgreSQL statement: the old table renamed away, the staging table in, the old one dropped', () => {
      const target = file('  daily: analytics.reports.daily\n').publish[0]!;
      assert.equal(
        swapStatement(target),
        'DO $$BEGIN DROP TABLE IF EXISTS "reports"."daily__previous"; ALTER TABLE "reports"."daily" RENAME TO "daily__previous"; ' +
          'ALTER TABLE "reports"."daily__staging" RENAME TO "daily"; DROP TABLE "reports"."daily__previous"; END$$',
      );
    });
  });
});

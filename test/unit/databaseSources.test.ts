import assert from 'node:assert/strict';
import { catalogSettings, passwordVariable, readWorkbenchFile, serverDrivers } from '../../src/core/databases/databaseSources.js';

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
    assert.deepEqual(readWorkbenchFile(''), { databases: [], problems: [] });
    assert.match(readWorkbenchFile('databases: [').problems[0]!.message, /^YAML: /);
  });
});

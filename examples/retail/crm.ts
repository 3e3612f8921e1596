/**
 * The retail example's CRM: the customers behind the transactions' ids (C0001…C0500), each with the
 * segment and signup date the CRM knows, as a PostgreSQL table. Deterministic, like the transactions.
 */
import { SEGMENTS } from './generator.js';

export interface Customer {
  readonly customer_id: string;
  readonly name: string;
  readonly segment: string;
  /** YYYY-MM-DD, before the transactions begin (2024-01-01). */
  readonly signup_date: string;
  readonly email: string;
}

export const CUSTOMERS = 500;

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Radia', 'Ken'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Perlman', 'Thompson'];

/** Customer n (1-based): its id is C and n in four digits, as in the transactions. */
export function retailCustomers(count = CUSTOMERS): Customer[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const signup = new Date(Date.UTC(2021, 0, 1 + ((n * 37) % 1000)));
    const first = FIRST_NAMES[n % FIRST_NAMES.length]!;
    const last = LAST_NAMES[Math.floor(n / FIRST_NAMES.length) % LAST_NAMES.length]!;
    return {
      customer_id: `C${String(n).padStart(4, '0')}`,
      name: `${first} ${last}`,
      segment: SEGMENTS[(n * 7) % SEGMENTS.length]!,
      signup_date: signup.toISOString().slice(0, 10),
      email: `${first.toLowerCase()}.${last.toLowerCase()}.${n}@example.com`,
    };
  });
}

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** SQL for psql that (re)creates the CRM's customers table with these customers. */
export function customersTableSql(customers: readonly Customer[] = retailCustomers()): string {
  const values = customers
    .map((c) => `(${[c.customer_id, c.name, c.segment, c.signup_date, c.email].map(literal).join(', ')})`)
    .join(',\n  ');
  return `DROP TABLE IF EXISTS public.customers;
CREATE TABLE public.customers (
  customer_id text PRIMARY KEY, name text NOT NULL, segment text NOT NULL, signup_date date NOT NULL, email text);
INSERT INTO public.customers VALUES
  ${values};
`;
}

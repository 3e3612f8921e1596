/**
 * The retail example's exchange-rate API: a small HTTP server on loopback answering paged JSON,
 * `GET /rates?page=N` (1-based, 10 rates a page; past the last page, an empty one):
 * `{"rates": [{"date": "2024-01-01", "currency": "EUR", "rate": 0.9132}, …], "page": N}`.
 * One rate a day per currency for the days of the transactions, deterministic.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ExchangeRate {
  readonly date: string;
  readonly currency: string;
  readonly rate: number;
}

export const CURRENCIES = { EUR: 0.92, GBP: 0.79, JPY: 147.5 } as const;
export const RATES_PER_PAGE = 10;

/** US dollars to each currency, a rate per day from 2024-01-01. */
export function exchangeRates(days = 14): ExchangeRate[] {
  const rates: ExchangeRate[] = [];
  for (let day = 0; day < days; day++) {
    const date = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
    for (const [currency, base] of Object.entries(CURRENCIES))
      rates.push({ date, currency, rate: Number((base * (1 + ((day % 5) - 2) / 200)).toFixed(4)) });
  }
  return rates;
}

export interface RatesApi {
  readonly url: string;
  /** How many requests it answered. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Starts the API on 127.0.0.1 (port 0: any free one). */
export function startRatesApi(port = 0, rates: readonly ExchangeRate[] = exchangeRates()): Promise<RatesApi> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests++;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/rates') {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: `no such path: ${url.pathname}` }));
      return;
    }
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const body = { rates: rates.slice((page - 1) * RATES_PER_PAGE, page * RATES_PER_PAGE), page };
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests: () => requests,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}

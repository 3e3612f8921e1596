// Which files are dashboards, and what they are called: no dependency, so the editor's activation can use it.

/** A dashboard file's name: `dashboard.yml` or `NAME.dashboard.yml` (or .yaml). */
export const DASHBOARD_FILE = /(^|[\\/.])dashboard\.ya?ml$/;

/** What a dashboard file is called in titles: `sales` for sales.dashboard.yml, else its folder's name. */
export function dashboardName(path: string): string {
  const parts = path.split(/[\\/]/);
  const file = parts[parts.length - 1]!;
  return file.replace(/\.?dashboard\.ya?ml$/, '') || parts[parts.length - 2] || 'dashboard';
}

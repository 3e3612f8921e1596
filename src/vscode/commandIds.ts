/**
 * Every command the extension contributes, by area. Registration, menus' callers, failure actions and
 * tests use these names; a unit test checks the table against package.json's contributions.
 */
export const COMMANDS = {
  connection: {
    connect: 'sparkWorkbench.connection.connect',
    disconnect: 'sparkWorkbench.connection.disconnect',
    switch: 'sparkWorkbench.connection.switch',
    setToken: 'sparkWorkbench.connection.setToken',
    edit: 'sparkWorkbench.connection.edit',
  },
  databases: {
    setPassword: 'sparkWorkbench.databases.setPassword',
  },
  localSpark: {
    start: 'sparkWorkbench.localSpark.start',
    stop: 'sparkWorkbench.localSpark.stop',
    restart: 'sparkWorkbench.localSpark.restart',
    useFreePort: 'sparkWorkbench.localSpark.useFreePort',
  },
  logs: {
    show: 'sparkWorkbench.logs.show',
  },
  sql: {
    runStatement: 'sparkWorkbench.sql.runStatement',
    runSelection: 'sparkWorkbench.sql.runSelection',
    runFile: 'sparkWorkbench.sql.runFile',
    explain: 'sparkWorkbench.sql.explain',
    newFile: 'sparkWorkbench.sql.newFile',
  },
  catalog: {
    refresh: 'sparkWorkbench.catalog.refresh',
    preview: 'sparkWorkbench.catalog.preview',
    describe: 'sparkWorkbench.catalog.describe',
    copyName: 'sparkWorkbench.catalog.copyName',
  },
  pipelines: {
    run: 'sparkWorkbench.pipelines.run',
    dryRun: 'sparkWorkbench.pipelines.dryRun',
    fullRefresh: 'sparkWorkbench.pipelines.fullRefresh',
    refreshSelected: 'sparkWorkbench.pipelines.refreshSelected',
    stop: 'sparkWorkbench.pipelines.stop',
    showGraph: 'sparkWorkbench.pipelines.showGraph',
    showRun: 'sparkWorkbench.pipelines.showRun',
    openDefinition: 'sparkWorkbench.pipelines.openDefinition',
    previewDataset: 'sparkWorkbench.pipelines.previewDataset',
    fullRefreshDataset: 'sparkWorkbench.pipelines.fullRefreshDataset',
    refreshView: 'sparkWorkbench.pipelines.refreshView',
    createExample: 'sparkWorkbench.pipelines.createExample',
    openRunReport: 'sparkWorkbench.pipelines.openRunReport',
  },
  quality: {
    showFailingRows: 'sparkWorkbench.quality.showFailingRows',
    openCheck: 'sparkWorkbench.quality.openCheck',
    check: 'sparkWorkbench.quality.check',
  },
  notebook: {
    new: 'sparkWorkbench.notebook.new',
    restart: 'sparkWorkbench.notebook.restart',
    selectConnection: 'sparkWorkbench.notebook.selectConnection',
  },
  dashboards: {
    open: 'sparkWorkbench.dashboards.open',
    refresh: 'sparkWorkbench.dashboards.refresh',
  },
  operations: {
    cancel: 'sparkWorkbench.operations.cancel',
    clear: 'sparkWorkbench.operations.clear',
    interruptAll: 'sparkWorkbench.operations.interruptAll',
  },
} as const;

/** VS Code's own commands that ours hand over to. */
export const BUILT_IN_COMMANDS = {
  openSettings: 'workbench.action.openSettings',
  manageTrust: 'workbench.trust.manage',
  showProblems: 'workbench.actions.view.problems',
  focusPipelineRun: 'sparkWorkbench.pipelineRun.focus',
} as const;

type Leaves<T> = T extends string ? T : { [K in keyof T]: Leaves<T[K]> }[keyof T];
export type CommandId = Leaves<typeof COMMANDS>;

/** Every command id of the table, flat. */
export function allCommandIds(): CommandId[] {
  return Object.values(COMMANDS).flatMap((area) => Object.values(area) as CommandId[]);
}

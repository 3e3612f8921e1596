import { Command } from 'commander';
import { addChartCommand } from './commands/chartCommands.js';
import { addClusterCommands } from './commands/clusterCommands.js';
import { addDashboardCommands } from './commands/dashboardCommands.js';
import { addNotebookCommands } from './commands/notebookCommands.js';
import { addPipelineCommands } from './commands/pipelineCommands.js';
import { addQualityCommands } from './commands/qualityCommands.js';
import { addServerCommands } from './commands/serverCommands.js';
import { addSqlCommand } from './commands/sqlCommand.js';
import { describeError, EXIT } from './errorReport.js';
import { packageVersion } from './runtimeHome.js';
import { ScriptStatementError } from './sqlScript.js';

export function buildProgram(): Command {
  const program = new Command('spark-workbench')
    .description('Spark Workbench on the command line: the same engine as the VS Code extension.')
    .version(packageVersion())
    .showHelpAfterError();
  addServerCommands(program);
  addClusterCommands(program);
  addSqlCommand(program);
  addPipelineCommands(program);
  addQualityCommands(program);
  addChartCommand(program);
  addNotebookCommands(program);
  addDashboardCommands(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    const commanderCode = (error as { code?: string }).code;
    if (commanderCode?.startsWith('commander.')) {
      return commanderCode === 'commander.helpDisplayed' || commanderCode === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    const wrapped = error as { sqlError?: unknown; sqlText?: string };
    const verbose = argv.includes('--verbose');
    const failure = wrapped.sqlError ?? error;
    const { text, exitCode } =
      failure instanceof ScriptStatementError
        ? describeError(failure.cause, failure.source, verbose)
        : describeError(failure, wrapped.sqlText, verbose);
    process.stderr.write(`${text}\n`);
    return exitCode;
  }
}

import { Option, type Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { parseParameter, type ParameterValue } from '../../core/notebooks/ipynb.js';
import { runQuery, type ConnectionFlags } from '../cliConnection.js';
import { parsePositiveInt, portOption, remoteOption, targetOption, retryTimeoutOption } from '../cliOptions.js';
import { EXIT } from '../errorReport.js';
import { runNotebookCommand } from '../notebookCommand.js';

type Parameter = { name: string; value: ParameterValue };

function collectParameter(text: string, previous: Parameter[]): Parameter[] {
  try {
    const parameter = parseParameter(text);
    return [...previous.filter((p) => p.name !== parameter.name), parameter];
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/** `notebook run`: a Jupyter notebook's cells headless, with the editor's kernel. */
export function addNotebookCommands(program: Command): void {
  const notebook = program.command('notebook').description('Jupyter notebooks (.ipynb) with SQL and Python cells');
  notebook
    .command('run')
    .description("run a notebook's cells in order in one Spark session, as the editor's Spark Connect kernel does")
    .argument('<notebook>', 'the .ipynb file')
    .option(
      '--param <name=value>',
      'a value for the cell tagged "parameters" (papermill\'s convention): 42, 0.5, true, none, or text; repeatable',
      collectParameter,
      [],
    )
    .option('--out <file>', 'where to write the executed notebook (default: the notebook itself, as the editor saves it)')
    .option('--rows <count>', 'rows a result keeps in the notebook', parsePositiveInt, 1000)
    .addOption(remoteOption())
    .addOption(targetOption())
    .addOption(retryTimeoutOption())
    .addOption(portOption())
    .addOption(new Option('--verbose', "print Spark's own message in full"))
    .action(async (path: string, options: ConnectionFlags & { param: Parameter[]; out?: string; rows: number }) => {
      const file = resolve(path);
      await runQuery(
        options,
        '',
        async (client, signal) => {
          const result = await runNotebookCommand(
            client,
            file,
            { parameters: options.param, out: options.out, storedRows: options.rows, distDir: __dirname },
            signal,
            (line) => process.stderr.write(`${line}\n`),
          );
          if (result.failure)
            process.exitCode = result.failure.status === 'interrupted' && signal.aborted ? EXIT.cancelled : EXIT.sparkError;
        },
        // The nearest spark-workbench.yml from the notebook's folder: its databases are catalogs of the session.
        resolve(file, '..'),
      );
    });
}

// Entry point of the `spark-workbench` command (bundled to dist/cli.js).
import { main } from './main.js';

void main(process.argv).then((code) => {
  process.exitCode = code;
});

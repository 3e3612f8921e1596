/** The workspace file that declares the data system's sources, read by the editor and the CLI alike. */
export const WORKBENCH_FILE = 'spark-workbench.yml';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeGraphs, type PipelineGraph, type TablesRead } from '../../core/pipelines/pipelineGraph.js';
import type { PipelineEngine } from './pipelineEngine.js';
import type { PipelineProject } from './pipelineProjects.js';

/**
 * What a pipeline defines, read without Spark: its SQL files' datasets and flows. Python files define
 * theirs only when run (the helper reports them), so they are listed apart.
 */
export async function readDefinitionsGraph(
  project: PipelineProject,
  engine: PipelineEngine,
  tablesRead: TablesRead,
): Promise<{ graph: PipelineGraph; pythonFiles: string[] }> {
  const graphs: PipelineGraph[] = [];
  for (const file of project.check.files.filter((f) => f.endsWith('.sql'))) {
    try {
      graphs.push(await engine.sqlDefinitions(file, readFileSync(join(project.folder, file), 'utf8'), tablesRead));
    } catch {
      // an unreadable file is the spec's problem, shown there
    }
  }
  return { graph: mergeGraphs(graphs), pythonFiles: project.check.files.filter((f) => f.endsWith('.py')) };
}

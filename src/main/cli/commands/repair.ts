import type { Command } from 'commander';
import { UserError } from '../UserError.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `mixel repair P.mixel [--image OLD=NEW]…`: points a project at images that moved. Without `--image`
 * (or for images it does not name) the project's folder is searched for files with the same checksum.
 */
export function registerRepair(program: Command): void {
  program
    .command('repair')
    .description('relink images of a project that were moved or renamed (by path, or found by checksum)')
    .argument('<project>', 'the project file (.mixel)')
    .option(
      '--image <old=new>',
      'the stored path (or nickname) of an image and its new place (repeatable)',
      collect,
      [],
    )
    .option('--no-search', 'do not search the project folder for moved images')
    .option('--accept-changed', 'accept a new file whose content differs from the trained one')
    .action(
      async (projectPath: string, opts: { image: string[]; search: boolean; acceptChanged?: boolean }) => {
        const { loadProject, saveProject } = await import('../../project/projectFile.js');
        const { repairProject } = await import('../../project/projectImages.js');
        const moves = new Map<string, string>();
        for (const pair of opts.image) {
          const at = pair.indexOf('=');
          if (at <= 0 || at === pair.length - 1) throw new UserError(`--image ${pair}: write it as OLD=NEW`);
          moves.set(pair.slice(0, at), pair.slice(at + 1));
        }
        let result;
        try {
          const project = await loadProject(projectPath);
          result = await repairProject(projectPath, project, moves, {
            search: opts.search,
            acceptChanged: opts.acceptChanged,
          });
          if (result.relinked.size > 0) await saveProject(projectPath, result.project);
        } catch (err) {
          throw new UserError((err as Error).message);
        }
        for (const [id, path] of result.relinked) console.log(`${id}: relinked to ${path}`);
        if (result.unresolved.length > 0) {
          throw new UserError(
            `${projectPath}: still missing or changed: ${result.unresolved.join(', ')} (give --image OLD=NEW)`,
          );
        }
        if (result.relinked.size === 0) console.log(`${projectPath}: all images are in place`);
      },
    );
}

/**
 * Image paths that point inside a container file, as ilastik writes them: `dir/cells.h5/exported/data`
 * names the dataset `/exported/data` of `dir/cells.h5`. Output names take the container's folder and
 * name (`{dataset_dir}` = `dir`, `{nickname}` = `cells`), as ilastik does, not the dataset's.
 */

/** Name endings of HDF5 containers and Zarr folders (`x.ome.zarr/1`: a resolution level) a path can reach into. */
const CONTAINER_FILE = /\.(h5|hdf5|hdf|he5|zarr)$/i;

/** The container file of `dir/cells.h5/exported/data` (`dir/cells.h5`), or `path` itself. */
export function containerFileOf(path: string): string {
  const parts = path.split(/(?<=[\\/])/);
  for (let i = 0; i < parts.length - 1; i++) {
    if (CONTAINER_FILE.test(parts[i].replace(/[\\/]$/, ''))) {
      return parts
        .slice(0, i + 1)
        .join('')
        .replace(/[\\/]$/, '');
    }
  }
  return path;
}

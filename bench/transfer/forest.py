#!/usr/bin/python3
"""The forest side of `npm run bench:transfer` (Python in the benchmark only, never in the tests).

  /usr/bin/python3 forest.py JOB.json

JOB.json: {"reference": DIR of ref_pixel_classify.py, "train": [[image, scribbles], ...],
           "test": [[stem, image, truth, scribbles], ...], "within": true|false}

Across images exactly as the reference's cross_image.py: ilastik's features (vigra,
ref_pixel_classify.compute_features, default selection) + scikit-learn's 100-tree forest (random_state 0) on
the raw values of the training images' labeled pixels; each test image predicted and scored whole (mean IoU
over the classes of its truth). Within each image as eval_ref.sh: a forest trained on that image's own
scribbles, scored on its unlabeled pixels (score.py --exclude-labels). One JSON line per test image.
"""
import json
import sys
import time

import numpy as np
from PIL import Image


def miou(pred, gt):
    return float(np.mean([np.count_nonzero((pred == k) & (gt == k)) / max(1, np.count_nonzero((pred == k) | (gt == k)))
                          for k in np.unique(gt)]))


def main():
    job = json.load(open(sys.argv[1]))
    sys.path.insert(0, job["reference"])
    import ref_pixel_classify as ref
    from sklearn.ensemble import RandomForestClassifier

    sel = ref.selection("default")
    feats = lambda path: ref.compute_features(ref.load_image(path), sel, threads=2)
    forest = lambda: RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0)
    t0 = time.perf_counter()
    X, y = [], []
    for image, scribbles in job["train"]:
        f = feats(image)
        lab = np.array(Image.open(scribbles))
        X.append(f[lab > 0])
        y.append(lab[lab > 0])
    across = forest().fit(np.concatenate(X), np.concatenate(y))
    for stem, image, truth, scribbles in job["test"]:
        f = feats(image)
        flat = f.reshape(-1, f.shape[-1])
        gt = np.array(Image.open(truth))
        pred = across.classes_[across.predict_proba(flat).argmax(1)].reshape(gt.shape)
        row = {"image": stem, "across": round(miou(pred, gt), 4)}
        if job.get("within"):
            lab = np.array(Image.open(scribbles))
            own = forest().fit(f[lab > 0], lab[lab > 0])
            keep = lab.ravel() == 0
            p = own.classes_[own.predict_proba(flat[keep]).argmax(1)]
            row["within"] = round(miou(p, gt.ravel()[keep]), 4)
        row["seconds"] = round(time.perf_counter() - t0, 1)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()

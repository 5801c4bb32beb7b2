#!/usr/bin/python3
"""Feature-bank goldens: ilastik's features computed by vigra through the reference recipe.

    /usr/bin/python3 scripts/goldens/make_feature_goldens.py [--out test/fixtures/features]

Makes two small, non-square, two-channel synthetic microscopy-like images (8-bit and 16-bit: blobs with
brighter rims, a second "membrane" channel, uneven illumination, Poisson noise), computes every feature
of the `all` preset (6 features x 7 scales) per channel with `compute_features` from
/work/shared/bench/ref_pixel_classify.py (the exact recipe), in both conventions, and writes:

  <name>.json             header: size, sample type, per output channel its name and value range
  <name>.input.bin        the image, planar, little-endian uint8/uint16
  <name>.<convention>.bin the features, planar in Mixel's channel order (feature, scale, input channel,
                          feature channel), each channel quantized to uint16 over its own [min, max]
                          (error <= range / 131070, far below the test's 1e-3 x range tolerance) so the
                          fixtures stay small.

Also records a few of vigra's 1-D kernels (kernels.json) for the kernel unit test.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import vigra

sys.path.insert(0, "/work/shared/bench")
from ref_pixel_classify import FEATURES, compute_features, selection  # noqa: E402

ILASTIK_NAMES = {
    "GaussianSmoothing": "Gaussian Smoothing",
    "LaplacianOfGaussian": "Laplacian of Gaussian",
    "GaussianGradientMagnitude": "Gaussian Gradient Magnitude",
    "DifferenceOfGaussians": "Difference of Gaussians",
    "StructureTensorEigenvalues": "Structure Tensor Eigenvalues",
    "HessianOfGaussianEigenvalues": "Hessian of Gaussian Eigenvalues",
}
CHANNELS = {f: 2 if f in ("StructureTensorEigenvalues", "HessianOfGaussianEigenvalues") else 1 for f in FEATURES}
WIDTH, HEIGHT = 57, 45  # non-square, odd; > 40 px so vigra accepts the direct sigma-10 kernels (radius 40)


def synth_image(rng, width, height, peak):
    """Two channels: nuclei (filled blobs, bright rim) and a membrane-like ring channel, on uneven light."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    nuclei = np.zeros((height, width))
    rings = np.zeros((height, width))
    for _ in range(7):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        a, b, t = rng.uniform(4, 10), rng.uniform(3, 8), rng.uniform(0, math.pi)
        u = ((xx - cx) * math.cos(t) + (yy - cy) * math.sin(t)) / a
        v = (-(xx - cx) * math.sin(t) + (yy - cy) * math.cos(t)) / b
        r = np.sqrt(u * u + v * v)
        nuclei += rng.uniform(0.5, 1.0) * (r < 1) * (0.7 + 0.3 * np.clip(r, 0, 1) ** 4)
        rings += np.exp(-((r - 1.15) ** 2) / 0.02)
    light = 0.7 + 0.3 * np.cos((xx / width - 0.3) * 2.0) * np.cos((yy / height - 0.6) * 1.5)
    out = []
    for signal, background in ((nuclei, 0.08), (rings, 0.15)):
        clean = vigra.filters.gaussianSmoothing(((background + signal) * light).astype(np.float32), 1.2)
        photons = rng.poisson(np.asarray(clean, np.float64) * peak / 1.3)
        out.append(np.clip(np.round(photons + 0.02 * peak), 0, 255 if peak <= 255 else 65535))
    return np.stack(out)


def channel_names(sel, n_inputs):
    names = []
    for f, s in sel:
        scale = f"{s:.1f}" if float(s).is_integer() else f"{s}"
        for c in range(n_inputs):
            inp = f" channel {c}" if n_inputs > 1 else ""
            for k in range(CHANNELS[f]):
                names.append(f"{ILASTIK_NAMES[f]} (σ={scale}){inp}" + (f" [{k}]" if CHANNELS[f] > 1 else ""))
    return names


def features_in_mixel_order(image, sel, mode):
    per_input = [compute_features(ch.astype(np.float32), sel, 1, mode) for ch in image]  # (H, W, C) each
    planes = []
    start = 0
    for f, _ in sel:
        n = CHANNELS[f]
        for feats in per_input:
            for k in range(n):
                planes.append(feats[..., start + k])
        start += n
    return np.stack(planes)


def quantize(planes):
    lo = planes.reshape(len(planes), -1).min(1).astype(np.float64)
    hi = planes.reshape(len(planes), -1).max(1).astype(np.float64)
    span = np.where(hi > lo, hi - lo, 1.0)
    q = np.round((planes - lo[:, None, None]) / span[:, None, None] * 65535.0)
    return q.astype("<u2"), lo, hi


def write_case(out, name, image, dtype):
    sel = selection("all")
    names = channel_names(sel, image.shape[0])
    header = {
        "description": "vigra features via ref_pixel_classify.compute_features; see make_feature_goldens.py",
        "vigra": vigra.version,
        "width": image.shape[2],
        "height": image.shape[1],
        "inputChannels": image.shape[0],
        "sampleType": dtype,
        "preset": "all",
        "input": f"{name}.input.bin",
        "conventions": {},
    }
    image.astype("<u1" if dtype == "uint8" else "<u2").tofile(os.path.join(out, header["input"]))
    for mode in ("ilastik", "direct"):
        planes = features_in_mixel_order(image, sel, mode)
        assert len(planes) == len(names)
        q, lo, hi = quantize(planes)
        fname = f"{name}.{mode}.bin"
        q.tofile(os.path.join(out, fname))
        header["conventions"][mode] = {
            "file": fname,
            "channels": [{"name": n, "min": float(a), "max": float(b)} for n, a, b in zip(names, lo, hi)],
        }
    with open(os.path.join(out, f"{name}.json"), "w") as fh:
        json.dump(header, fh, indent=1, ensure_ascii=False)


def write_kernels(out):
    cases = [(1.0, 0, 2.0), (1.0, 1, 2.0), (1.0, 2, 2.0), (0.7, 2, 2.0), (4.898979485566356, 0, 3.5),
             (0.3, 0, 0.0), (1.6, 1, 0.0), (1.6, 2, 0.0), (10.0, 2, 0.0), (0.66, 0, 2.0)]
    kernels = []
    for sigma, order, ratio in cases:
        k = vigra.filters.Kernel1D()
        k.initGaussianDerivative(sigma, order, 1.0, ratio)
        kernels.append({"sigma": sigma, "order": order, "windowRatio": ratio,
                        "taps": [k[i] for i in range(k.left(), k.right() + 1)]})
    with open(os.path.join(out, "kernels.json"), "w") as fh:
        json.dump({"vigra": vigra.version, "kernels": kernels}, fh, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="test/fixtures/features")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(20240611)
    write_case(args.out, "cells8", synth_image(rng, WIDTH, HEIGHT, 230), "uint8")
    write_case(args.out, "cells16", synth_image(rng, HEIGHT + 8, WIDTH + 6, 20000), "uint16")
    write_kernels(args.out)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Produces model-trainer/RESULTS.md: ResNet-20 on the full Fashion-MNIST training set (target
# >= 93.5% test accuracy), and plain-20 / ResNet-20 / plain-56 / ResNet-56 on a shorter schedule
# (the degradation question of He et al. 2015, Fig. 6). Not part of CI: on 2 CPU cores one epoch
# of ResNet-20 takes about 3 minutes and of ResNet-56 about 8, so the defaults (30 epochs, which
# reached 94.3%; comparison 1 epoch each) take about 2 hours. Runs resume from their checkpoints
# when the script is started again.
#   model-trainer/experiments/results.sh            # everything
#   EPOCHS=40 COMPARE_EPOCHS=5 model-trainer/experiments/results.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

OUT="${OUT:-runs/results}"
EPOCHS="${EPOCHS:-30}"
COMPARE_EPOCHS="${COMPARE_EPOCHS:-1}"

train() {  # run directory, then train options
  local dir="$1"; shift
  if [ -f "$dir/training-result.json" ]; then
    echo "results: $dir is done"
    return
  fi
  local resume=()
  [ -d "$dir/checkpoints" ] && resume=(--resume)
  ./resflow train --output "$dir" "${resume[@]}" "$@"
}

# The short comparison first: its answer comes in minutes, the headline run takes an hour.
compare=()
for arch in plain-20-v1-basic resnet-20-v1-basic-A plain-56-v1-basic resnet-56-v1-basic-A; do
  train "$OUT/compare/$arch" --architecture "$arch" --epochs "$COMPARE_EPOCHS" --no-export
  compare+=("$OUT/compare/$arch")
done
train "$OUT/resnet20-full" --architecture resnet-20-v1-basic-A --epochs "$EPOCHS" --schedule cosine \
  --name fashion-resnet20
./resflow results --headline "$OUT/resnet20-full" \
  --compare "$(IFS=,; echo "${compare[*]}")" \
  --output model-trainer/RESULTS.md --plots model-trainer/results \
  --command "EPOCHS=$EPOCHS COMPARE_EPOCHS=$COMPARE_EPOCHS model-trainer/experiments/results.sh"

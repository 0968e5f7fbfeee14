/**
 * Training with DJL's PyTorch engine: {@link io.resflow.trainer.training.TrainingConfig} in, {@link
 * io.resflow.trainer.training.ImageClassifierTrainer#train} runs SGD with the paper's schedule,
 * checkpoints and resumes, shows progress and exports Prometheus metrics, and returns a {@link
 * io.resflow.trainer.training.TrainingResult}.
 */
package io.resflow.trainer.training;

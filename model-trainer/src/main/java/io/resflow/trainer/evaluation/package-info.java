/**
 * Classifier evaluation (accuracy, per-class precision/recall/F1, confusion matrix), its JSON
 * report, and XChart PNGs: training curves, confusion heat maps, and several runs' error curves on
 * one chart.
 */
package io.resflow.trainer.evaluation;

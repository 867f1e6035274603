// Upstream's EarlyStopping: stop when fitness has not improved for `patience` epochs (0 = never).

export class EarlyStopping {
  private bestFitness = 0;
  private bestEpoch = 0;
  /** The next epoch may be the last: train.py then validates it even with --noval. */
  possibleStop = false;
  private readonly patience: number;

  constructor(patience: number) {
    this.patience = patience || Infinity;
  }

  update(epoch: number, fitness: number): boolean {
    if (fitness >= this.bestFitness) {
      this.bestEpoch = epoch;
      this.bestFitness = fitness;
    }
    const delta = epoch - this.bestEpoch;
    this.possibleStop = delta >= this.patience - 1;
    return delta >= this.patience;
  }

  message(epoch: number): string {
    return `Stopping training early as no improvement observed in last ${this.patience} epochs. `
      + `Best results observed at epoch ${this.bestEpoch}, best model saved as best.pt (stopped at epoch ${epoch}).`;
  }
}

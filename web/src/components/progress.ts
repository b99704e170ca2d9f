// A visible "working…" indicator for long requests (route planning), with a status line. The bar
// sweeps while the share done is unknown and fills from the left once a fraction is reported.
import { h } from '../dom.js';

export class Progress {
  readonly element: HTMLElement;
  private readonly line = h('div', { class: 'muted progress-text' });
  private readonly bar = h('div');

  constructor(id: string) {
    this.element = h('div', { id, class: 'hidden', role: 'status' }, h('div', { class: 'progress' }, this.bar), this.line);
  }

  start(text: string): void {
    this.element.classList.remove('hidden');
    this.line.textContent = text;
    this.bar.removeAttribute('style');
    this.element.removeAttribute('data-fraction');
  }

  /** `fraction` (0–1) turns the bar into a determinate one at that width. */
  update(text: string, fraction?: number): void {
    this.line.textContent = text;
    if (fraction === undefined || !Number.isFinite(fraction)) return;
    const f = Math.min(1, Math.max(0, fraction));
    this.bar.style.animation = 'none';
    this.bar.style.left = '0';
    this.bar.style.width = `${(f * 100).toFixed(1)}%`;
    this.element.dataset['fraction'] = f.toFixed(3);
  }

  done(): void {
    this.element.classList.add('hidden');
  }
}

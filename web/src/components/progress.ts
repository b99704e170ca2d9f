// A visible "working…" indicator for long requests (route planning), with a status line.
import { h } from '../dom.js';

export class Progress {
  readonly element: HTMLElement;
  private readonly line = h('div', { class: 'muted progress-text' });

  constructor(id: string) {
    this.element = h('div', { id, class: 'hidden', role: 'status' }, h('div', { class: 'progress' }, h('div')), this.line);
  }

  start(text: string): void {
    this.element.classList.remove('hidden');
    this.line.textContent = text;
  }

  update(text: string): void {
    this.line.textContent = text;
  }

  done(): void {
    this.element.classList.add('hidden');
  }
}

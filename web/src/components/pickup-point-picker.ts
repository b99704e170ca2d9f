// Where the buyer's parcels go: their current pickup point (chosen, or their leader's), and the
// points nearest to them to choose from, with hours and what each can still take. The location is
// the device's (geolocation) or coordinates the buyer types (e.g. an address's, from a map app):
// no geocoding service is reachable from here.
import { describeError, type Api } from '../api.js';
import { fill, h, toast } from '../dom.js';
import type { MyPickupPointView, PickupPointChoiceView } from '@lc/contracts/views';

export function describePoint(p: PickupPointChoiceView): string {
  // A point may have no street address (the demo's have none): no empty piece between separators.
  return [p.name, p.address, `${p.opensAt}–${p.closesAt}`].filter(Boolean).join(' · ');
}

export class PickupPointPicker {
  readonly element: HTMLElement;
  private readonly current = h('div', { class: 'current-point' });
  private readonly list = h('ul', { class: 'feed nearby-points' });
  private readonly coords = h('form', { class: 'row hidden coords-form' });
  mine: MyPickupPointView = { source: 'NONE', pickupPoint: null };

  constructor(
    private readonly api: Api,
    private readonly onChange: (mine: MyPickupPointView) => void = () => undefined,
  ) {
    const lat = h('input', { name: 'lat', inputmode: 'decimal', placeholder: '纬度 Latitude', style: 'width: 120px' });
    const lng = h('input', { name: 'lng', inputmode: 'decimal', placeholder: '经度 Longitude', style: 'width: 120px' });
    this.coords.append(lat, lng, h('button', { class: 'small', type: 'submit' }, '查找 Find'));
    this.coords.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.nearby(Number(lat.value), Number(lng.value));
    });
    const locate = h('button', { class: 'small locate', type: 'button' }, '附近的自提点 Points near me');
    locate.addEventListener('click', () => this.locate());
    const byCoords = h('button', { class: 'small by-coords', type: 'button' }, '按坐标 By coordinates');
    byCoords.addEventListener('click', () => this.coords.classList.toggle('hidden'));
    this.element = h(
      'section',
      { class: 'card pickup-picker' },
      h('h2', {}, '自提点 ', h('span', { class: 'en' }, 'Pickup point')),
      this.current,
      h('div', { class: 'row' }, locate, byCoords),
      this.coords,
      this.list,
    );
  }

  async load(): Promise<MyPickupPointView> {
    try {
      this.mine = await this.api.get<MyPickupPointView>('/me/pickup-point');
    } catch (e) {
      toast(describeError(e), 'error');
    }
    this.renderCurrent();
    return this.mine;
  }

  private renderCurrent(): void {
    const p = this.mine.pickupPoint;
    this.element.dataset.pointId = p?.id ?? '';
    fill(
      this.current,
      p
        ? h('div', {}, h('strong', {}, p.name), ` ${p.address}`, h('div', { class: 'muted' }, `营业 Open ${p.opensAt}–${p.closesAt}`, this.mine.source === 'LEADER' ? ' · 团长的自提点 your leader’s point' : ''))
        : h('div', { class: 'muted' }, '还没有自提点，下单前请选择 No pickup point yet: choose one before ordering'),
    );
  }

  private locate(): void {
    if (!navigator.geolocation) {
      this.coords.classList.remove('hidden');
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => void this.nearby(pos.coords.latitude, pos.coords.longitude),
      () => {
        toast('无法获取位置，请输入坐标 No location: type coordinates instead', 'error');
        this.coords.classList.remove('hidden');
      },
      { timeout: 10_000, maximumAge: 300_000 },
    );
  }

  async nearby(lat: number, lng: number): Promise<void> {
    try {
      const { pickupPoints } = await this.api.get<{ pickupPoints: PickupPointChoiceView[] }>(`/pickup-points?near=${lat.toFixed(6)},${lng.toFixed(6)}&limit=10`);
      fill(this.list, ...(pickupPoints.length ? pickupPoints.map((p) => this.row(p)) : [h('li', { class: 'muted' }, '附近没有自提点 No pickup point nearby')]));
    } catch (e) {
      toast(describeError(e), 'error');
    }
  }

  private row(p: PickupPointChoiceView): HTMLElement {
    const choose = h('button', { class: 'small primary choose-point', type: 'button', disabled: this.mine.pickupPoint?.id === p.id }, '选择 Choose');
    choose.addEventListener('click', () => void this.choose(p.id));
    const km = p.distanceM >= 1000 ? `${(p.distanceM / 1000).toFixed(1)} km` : `${p.distanceM} m`;
    return h(
      'li',
      { class: 'row point', 'data-point-id': p.id },
      h(
        'div',
        { class: 'grow' },
        h('div', {}, h('strong', {}, p.name), ` · ${km}`),
        h('div', { class: 'muted' }, [p.address, `营业 Open ${p.opensAt}–${p.closesAt}`].filter(Boolean).join(' · ')),
        h('div', { class: 'muted capacity' }, p.remainingCapacity > 0 ? `${p.deliveryDate} 还可收 ${p.remainingCapacity} 件 room for ${p.remainingCapacity} parcels` : `${p.deliveryDate} 已满，将顺延 full, later delivery`),
      ),
      choose,
    );
  }

  private async choose(pickupPointId: string): Promise<void> {
    try {
      this.mine = await this.api.put<MyPickupPointView>('/me/pickup-point', { pickupPointId });
      this.renderCurrent();
      for (const b of this.list.querySelectorAll<HTMLButtonElement>('button.choose-point')) b.disabled = b.closest('li')?.dataset.pointId === pickupPointId;
      toast('已选择自提点 Pickup point chosen');
      this.onChange(this.mine);
    } catch (e) {
      toast(describeError(e), 'error');
    }
  }
}

// Pure room rules: chat text checks, stock coalescing, session transitions, the socket event budget.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkChatText, foldForMatching, parseBlockedWords } from '../src/domain/chat-rules.js';
import { StockCoalescer, type StockChange } from '../src/domain/stock-coalescer.js';
import { endSession, startSession, type LiveSession } from '../src/domain/live-session.js';
import { EventGate } from '../src/domain/event-gate.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('room rules', () => {
  it('chat rules - trims, counts characters not bytes, catches spaced and cased blocked words', () => {
    const rules = { maxLength: 5, blockedWords: parseBlockedWords(' fuck , 加微信 ,') };
    assert.deepEqual(checkChatText(rules, '  你好世界啊 '), { ok: true, text: '你好世界啊' });
    assert.equal(checkChatText(rules, '你好世界啊吗').ok, false);
    assert.equal(checkChatText(rules, '   ').ok, false);
    const r = checkChatText({ maxLength: 100, blockedWords: rules.blockedWords }, '加 微 信 F U C K');
    assert.ok(!r.ok && r.code === 'BLOCKED_WORD');
  });

  it('chat rules - blocked words hidden by zero-width, bidi, full-width or mixed case are caught', () => {
    const rules = { maxLength: 200, blockedWords: parseBlockedWords('fuck,加微信,vx号,ＳＨＩＴ') };
    const disguised = [
      'f\u200Bu\u200Cc\u200Dk', // zero-width space / non-joiner / joiner
      'fu\u2060ck', // word joiner
      '\uFEFFfuck', // byte-order mark
      'fu\u00ADck', // soft hyphen
      'f\u200Eu\u200Fck', // LRM / RLM
      '\u202Ekcuf\u202C fuck', // right-to-left override around a decoy, then the word
      'f\u202Au\u202Bc\u202Dk', // embeddings and overrides
      'f\u2066u\u2067c\u2068k\u2069', // isolates
      'ＦＵＣＫ', // full-width
      'ｆｕｃｋ you',
      'FuCk',
      '加\u200B微\u2060信',
      '加　微　信', // ideographic spaces
      'ＶＸ号',
      'shit', // a blocked word listed in full-width matches its plain form
      'ＡＢＣ ＳｈＩｔ',
    ];
    for (const text of disguised) {
      const r = checkChatText(rules, text);
      assert.deepEqual(r.ok ? 'allowed' : r.code, 'BLOCKED_WORD', JSON.stringify(text));
    }
  });

  it('chat rules - allowed text is kept as sent: widths, invisible characters and case untouched', () => {
    const rules = { maxLength: 200, blockedWords: parseBlockedWords('fuck,加微信') };
    for (const text of ['ＡＢＣ 有货吗？', 'Hello\u200Bworld', '👩\u200D👩\u200D👧 family pack', 'مرحبا\u200F ok', 'Full-Width ＦＵＮ']) {
      assert.deepEqual(checkChatText(rules, text), { ok: true, text });
    }
    assert.equal(foldForMatching('ＡＢＣ\u200B\u202Ed Ｅ'), 'abcde');
    // Only invisible characters is an empty message.
    const empty = checkChatText(rules, '\u200B\u2060\uFEFF');
    assert.ok(!empty.ok && empty.code === 'INVALID_ARGUMENT');
  });

  it('stock coalescer - leading edge at once, at most one per interval, the latest state last, stale ignored', async () => {
    const out: StockChange[] = [];
    const c = new StockCoalescer(50, (s) => out.push(s));
    const change = (available: number, atMs: number): StockChange => ({ flashSaleId: 's', quantity: 100, held: 0, sold: 100 - available, available, atMs });
    c.offer(change(99, 1));
    assert.equal(out.length, 1);
    for (let i = 2; i <= 50; i++) c.offer(change(100 - i, i));
    c.offer(change(70, 0)); // older than what we have: ignored
    assert.equal(out.length, 1);
    await sleep(80);
    assert.equal(out.length, 2);
    assert.equal(out.at(-1)!.available, 50);
    await sleep(120);
    assert.equal(out.length, 2, 'nothing new, nothing sent');
    c.close();
  });

  it('live session - only its leader starts and ends it; an ended session does not restart', () => {
    const s: LiveSession = { id: 'x', leaderId: 'leader-1', title: 't', status: 'SCHEDULED', scheduledAtMs: 0, startedAtMs: null, endedAtMs: null, pin: null, activeFlashSaleId: 'sale' };
    assert.deepEqual(startSession(s, 'leader-2', 1), { ok: false, code: 'FORBIDDEN', message: 'only the session’s own leader may do this' });
    const live = startSession(s, 'leader-1', 5);
    assert.ok(live.ok && live.session.status === 'LIVE' && live.session.startedAtMs === 5);
    const ended = endSession(live.session, 'leader-1', 9);
    assert.ok(ended.ok && ended.session.status === 'ENDED' && ended.session.activeFlashSaleId === null);
    const again = startSession(ended.session, 'leader-1', 10);
    assert.ok(!again.ok && again.code === 'INVALID_STATE');
  });

  it('event gate - a burst passes, then the rate; refusals in a row past the bound mean disconnect; a pause forgives', () => {
    const gate = new EventGate({ perSecond: 10, burst: 5, disconnectAfter: 3 }, 0);
    const verdicts = Array.from({ length: 8 }, () => gate.admit(0));
    assert.deepEqual(verdicts, ['allow', 'allow', 'allow', 'allow', 'allow', 'refuse', 'refuse', 'disconnect']);
    assert.equal(gate.admit(100), 'allow', 'one token back after 100 ms at 10/s');
    assert.equal(gate.admit(100), 'refuse', 'an allowed event resets the refusal run');
    assert.equal(gate.admit(10_000), 'allow');
    for (let i = 0; i < 4; i++) assert.equal(gate.admit(10_000), 'allow', 'the burst is back, never more');
    assert.equal(gate.admit(10_000), 'refuse');
  });
});

// The WeChat channel: the same kinds as SMS become an Official Account template message (see
// domain/wechat-templates) to the openid the buyer linked at the gateway, once per notice (see
// ClaimedNoticeChannel). A buyer who unfollowed the Official Account cannot get template messages
// (errcode 43004): skipped, not failed, as nothing is wrong on our side.
import { isDomainError, WeChatApiError, type Logger, type RpcClient, type WeChatMessages } from '@lc/kit';
import type { Contact, IdentityServiceClient, NoticeView } from '@lc/contracts';
import { weChatTemplateFor, type WeChatTemplateData } from '../domain/wechat-templates.js';
import { ClaimedNoticeChannel, type SendOutcome } from './claimed-channel.js';
import type { NoticeDeliveryStore } from './notice-delivery-store.js';

const NOT_FOLLOWING = 43004;

export class WeChatNoticeChannel extends ClaimedNoticeChannel<WeChatTemplateData> {
  readonly name = 'wechat';
  protected readonly noAddress = 'the user has not linked WeChat';

  constructor(
    deliveries: NoticeDeliveryStore,
    identity: RpcClient<IdentityServiceClient>,
    private readonly messages: WeChatMessages,
    private readonly template: { id: string; url?: string | undefined },
    logger: Logger,
  ) {
    super(deliveries, identity, logger);
  }

  protected messageFor(notice: NoticeView): WeChatTemplateData | undefined {
    return weChatTemplateFor(notice);
  }

  protected addressOf(contact: Contact | undefined): string | undefined {
    return contact?.wechatOpenid || undefined;
  }

  protected async send(openid: string, data: WeChatTemplateData): Promise<SendOutcome> {
    try {
      await this.messages.sendTemplate({ openid, templateId: this.template.id, data, ...(this.template.url ? { url: this.template.url } : {}) });
    } catch (err) {
      if (err instanceof WeChatApiError && err.errcode === NOT_FOLLOWING) return { skipped: 'the user does not follow the Official Account' };
      throw err;
    }
    return { sent: true };
  }

  protected failureOf(err: unknown): string {
    if (err instanceof WeChatApiError) return `WeChat refused the message (errcode ${err.errcode})`;
    return isDomainError(err) ? 'WeChat did not take the message' : (err as Error).message;
  }
}

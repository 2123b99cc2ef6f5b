// email-reply-parser 1.9.4 ships no types; this is the part used here.
declare module 'email-reply-parser' {
  export default class EmailReplyParser {
    /** The reply's own text: quoted history and signatures removed. */
    parseReply(text: string): string;
  }
}

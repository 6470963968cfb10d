import { IsUUID } from 'class-validator';

export class RevokeAccessTokenCommand {
  @IsUUID() id: string;
}

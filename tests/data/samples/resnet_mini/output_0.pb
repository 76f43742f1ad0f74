
BlogitsJPnWÀBÐAœÓAíæ^Á	‹?ÁôÇ'ÁÿÃBoÂÂûÉrA$›ûÁÅÙZÀÃAžšA‹2cÁ¦e)Á,ÀÁ¨·B÷6Âo|ZAæOñÁ